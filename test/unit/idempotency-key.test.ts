import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerToKeep, fingerprint } from '../../src/idempotency/idempotency.service';
import {
  fingerprintHead,
  isStored,
  MAX_STORED_BODY_BYTES,
  outcomeOf,
  parseIdempotencyKey,
  type StoredKey,
  scopePath,
} from '../../src/idempotency/key';

// docs/api/idempotency.md#key: the header's syntax, the scope's path, the fingerprint, what is kept.

const visible = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 255,
});
const sfQuote = (key: string) => `"${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

describe('parseIdempotencyKey', () => {
  it('a quoted Structured-Field string of 1–255 visible characters is its unescaped key', () => {
    fc.assert(
      fc.property(visible, (key) => {
        expect(parseIdempotencyKey(sfQuote(key))).toEqual({ ok: true, key });
      }),
    );
  });

  it('a bare key is itself, and the same key as its quoted form', () => {
    const bare = visible.filter((k) => !/["\\]/.test(k));
    fc.assert(
      fc.property(bare, (key) => {
        expect(parseIdempotencyKey(key)).toEqual({ ok: true, key });
        expect(parseIdempotencyKey(sfQuote(key))).toEqual(parseIdempotencyKey(key));
      }),
    );
  });

  it('anything with a character outside 0x21–0x7E is refused, quoted or bare', () => {
    const invisible = fc
      .oneof(fc.integer({ min: 0, max: 0x20 }), fc.integer({ min: 0x7f, max: 0x2ff }))
      .map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), invisible, fc.string({ maxLength: 10 }), (a, bad, b) => {
        const key = `${a}${bad}${b}`;
        expect(parseIdempotencyKey(key).ok).toBe(false);
        expect(parseIdempotencyKey(sfQuote(key)).ok).toBe(false);
      }),
    );
  });

  it('length: 255 is a key, 256 is not, empty is not', () => {
    expect(parseIdempotencyKey('a'.repeat(255)).ok).toBe(true);
    expect(parseIdempotencyKey('a'.repeat(256))).toEqual({ ok: false, reason: 'is longer than 255 characters' });
    expect(parseIdempotencyKey(sfQuote('a'.repeat(256))).ok).toBe(false);
    expect(parseIdempotencyKey('')).toEqual({ ok: false, reason: 'is empty' });
    expect(parseIdempotencyKey('""')).toEqual({ ok: false, reason: 'is empty' });
  });

  it('bad quoting is refused with its reason', () => {
    expect(parseIdempotencyKey('"k1')).toMatchObject({ ok: false, reason: 'has no closing quote' });
    expect(parseIdempotencyKey('"k"1"')).toMatchObject({ ok: false, reason: 'has characters after its closing quote' });
    expect(parseIdempotencyKey('"k1";a=1')).toMatchObject({ ok: false });
    expect(parseIdempotencyKey('"k\\1"')).toMatchObject({ ok: false, reason: expect.stringMatching(/escape/) });
    expect(parseIdempotencyKey('"k\\"')).toMatchObject({ ok: false, reason: 'has no closing quote' });
    expect(parseIdempotencyKey('k"1')).toMatchObject({ ok: false });
    expect(parseIdempotencyKey('k\\1')).toMatchObject({ ok: false });
  });

  it('never throws, whatever the value', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (value) => {
        expect(typeof parseIdempotencyKey(value).ok).toBe('boolean');
      }),
    );
  });
});

describe('scope path and fingerprint', () => {
  it('trailing slashes are dropped, the root stays', () => {
    expect(scopePath('/api/x/')).toBe('/api/x');
    expect(scopePath('/api/x//')).toBe('/api/x');
    expect(scopePath('/api/x')).toBe('/api/x');
    expect(scopePath('/')).toBe('/');
  });

  it('the fingerprint changes with each part and with each body byte', async () => {
    const bytes = (s: string) => new TextEncoder().encode(s).buffer as ArrayBuffer;
    const base = await fingerprint('POST', '/p', 'a=1', 'application/json', bytes('{"a":1}'));
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(await fingerprint('POST', '/p', 'a=1', 'application/json', bytes('{"a":1}'))).toBe(base);
    const others = await Promise.all([
      fingerprint('PUT', '/p', 'a=1', 'application/json', bytes('{"a":1}')),
      fingerprint('POST', '/q', 'a=1', 'application/json', bytes('{"a":1}')),
      fingerprint('POST', '/p', 'a=2', 'application/json', bytes('{"a":1}')),
      fingerprint('POST', '/p', 'a=1', 'text/csv', bytes('{"a":1}')),
      fingerprint('POST', '/p', 'a=1', 'application/json', bytes('{"a":2}')),
      fingerprint('POST', '/p', 'a=1', 'application/json', bytes('{"a":1} ')),
    ]);
    expect(new Set([base, ...others]).size).toBe(7);
  });

  it('the parts before the body cannot run into each other', () => {
    expect(fingerprintHead('POST', '/p', 'a', 'b')).not.toBe(fingerprintHead('POST', '/p', 'ab', ''));
  });
});

describe('what is kept and what a held key answers', () => {
  it('401, 403, 429 and every 5xx are not kept; everything else is', () => {
    for (const status of [401, 403, 429, 500, 502, 503, 599]) expect(isStored(status)).toBe(false);
    for (const status of [200, 201, 204, 207, 400, 404, 409, 413, 422]) expect(isStored(status)).toBe(true);
  });

  const row = (over: Partial<StoredKey> = {}): StoredKey => ({
    fingerprint: 'f',
    claim: 't',
    status: 200,
    contentType: 'application/json',
    body: '{}',
    createdAt: 1000,
    ...over,
  });

  it('another fingerprint is reused whatever the state; running is in use; finished replays', () => {
    expect(outcomeOf(row({ status: null }), 'g', 2000)).toEqual({ kind: 'reused' });
    expect(outcomeOf(row(), 'g', 2000)).toEqual({ kind: 'reused' });
    expect(outcomeOf(row({ status: null }), 'f', 2000)).toEqual({ kind: 'in_use', runningForMs: 1000 });
    expect(outcomeOf(undefined, 'f', 2000)).toEqual({ kind: 'in_use', runningForMs: null });
    expect(outcomeOf(row({ status: 207, body: '{"a":1}' }), 'f', 2000)).toEqual({
      kind: 'replay',
      status: 207,
      contentType: 'application/json',
      body: '{"a":1}',
    });
  });

  it('an answer over the bound keeps its status and type only', async () => {
    const small = await answerToKeep(200, 'application/json', async () => '{"ok":true}');
    expect(small).toEqual({ status: 200, contentType: 'application/json', body: '{"ok":true}' });
    const big = await answerToKeep(200, 'application/json', async () => 'é'.repeat(MAX_STORED_BODY_BYTES / 2 + 1));
    expect(big).toEqual({ status: 200, contentType: 'application/json', body: null });
    const fits = await answerToKeep(200, 'text/plain', async () => 'a'.repeat(MAX_STORED_BODY_BYTES));
    expect(fits.body).toHaveLength(MAX_STORED_BODY_BYTES);
  });
});
