import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { effects, enrollCall, keyed, learnerAndCourse } from './support';

// docs/api/idempotency.md#key: a malformed key is a 400 `invalid_idempotency_key`, checked after
// authentication, and nothing is written or kept.

const MALFORMED: [string, string][] = [
  ['empty', ''],
  ['256 characters', 'k'.repeat(256)],
  ['a space', 'k 1'],
  ['a non-ASCII character', 'ké'],
  ['a control character', 'k\x7f1'],
  ['an unterminated quote', '"k1'],
  ['a quote inside a quoted key', '"k"1"'],
  ['an escape other than \\" or \\\\', '"k\\1"'],
  ['a quote in a bare key', 'k"1'],
  ['parameters', '"k1";a=1'],
  ['an empty quoted string', '""'],
  ['two keys', 'k1, k2'],
];

const keyCount = async () =>
  (await env.DB.prepare('select count(*) n from idempotency_keys').first<{ n: number }>())?.n ?? 0;

describe('malformed Idempotency-Key', () => {
  it.each(MALFORMED)('%s → 400 invalid_idempotency_key, nothing written', async (_name, value) => {
    const { course, headers } = await learnerAndCourse();
    const keys = await keyCount();
    const res = await enrollCall(course, keyed(value, headers));
    expect(res.status, res.text).toBe(400);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.body).toEqual({ error_code: 'invalid_idempotency_key', developer_message: expect.any(String) });
    expect(res.body.developer_message).toMatch(/^Idempotency-Key /);
    expect(await effects(course.id)).toEqual({ enrollments: 0, audit: 0, events: 0 });
    expect(await keyCount()).toBe(keys);
  });

  it('255 visible characters are a key; quoted escapes are unescaped', async () => {
    const { course, headers } = await learnerAndCourse();
    const long = `${crypto.randomUUID()}${'k'.repeat(219)}`;
    expect(long).toHaveLength(255);
    expect((await enrollCall(course, keyed(long, headers))).status).toBe(200);
    const second = await learnerAndCourse();
    const quoted = await enrollCall(second.course, keyed(`"${crypto.randomUUID()}\\"\\\\!~"`, second.headers));
    expect(quoted.status).toBe(200);
  });

  it('the key is checked after authentication: no credentials → 401, not 400', async () => {
    const { course } = await learnerAndCourse();
    const res = await enrollCall(course, keyed('', {}));
    expect(res.status).toBe(401);
  });

  it('reads ignore the header', async () => {
    const { course, headers } = await learnerAndCourse();
    const res = await enrollCall(course, keyed('', headers), { method: 'GET', json: undefined });
    expect(res.status).not.toBe(400);
  });
});
