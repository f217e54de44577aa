import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Cursor, decodeCursor, encodeCursor } from '../../src/lib/cursor';

const cursor: fc.Arbitrary<Cursor> = fc.record({
  direction: fc.constantFrom('n' as const, 'p' as const),
  createdAt: fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 }),
  id: fc.integer({ min: 0, max: 999_999_999_999_999 }),
});

describe('cursor', () => {
  it('encodes to URL-safe text without padding', () => {
    fc.assert(
      fc.property(cursor, (c) => {
        expect(encodeCursor(c)).toMatch(/^[A-Za-z0-9_-]+$/);
      }),
    );
  });

  it('decodes what it encoded', () => {
    fc.assert(
      fc.property(cursor, (c) => {
        expect(decodeCursor(encodeCursor(c))).toEqual(c);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes any string to a valid cursor or null, never throwing', () => {
    const tokenish = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: fc.constantFrom(...'ABCDEFabcdef0123456789-_=+/'.split('')), maxLength: 40 }),
      cursor.map(encodeCursor).chain((t) => fc.nat({ max: t.length }).map((n) => t.slice(0, n))),
    );
    fc.assert(
      fc.property(tokenish, (token) => {
        const decoded = decodeCursor(token);
        if (decoded === null) return;
        expect(['n', 'p']).toContain(decoded.direction);
        expect(Number.isSafeInteger(decoded.createdAt)).toBe(true);
        expect(Number.isSafeInteger(decoded.id) && decoded.id >= 0).toBe(true);
        expect(decodeCursor(encodeCursor(decoded))).toEqual(decoded);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses foreign and malformed tokens', () => {
    const b64 = (text: string) => btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
    for (const bad of [
      '',
      'a',
      '====',
      'bnwxfDI=', // padded
      b64('x|1|2'),
      b64('n|1'),
      b64('n|1|2|3'),
      b64('n|1.5|2'),
      b64('n|1|-2'),
      b64('n|1|1234567890123456'),
      b64(' n|1|2'),
      'A'.repeat(201),
      'bnwxfDI.',
    ]) {
      expect(decodeCursor(bad), bad).toBeNull();
    }
    expect(decodeCursor(b64('p|-5|0'))).toEqual({ direction: 'p', createdAt: -5, id: 0 });
  });
});
