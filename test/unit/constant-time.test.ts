import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEquals } from '../../src/lib/constant-time';

describe('constantTimeEquals', () => {
  it('is true only for identical strings', async () => {
    expect(await constantTimeEquals('test-api-key', 'test-api-key')).toBe(true);
    expect(await constantTimeEquals('', '')).toBe(true);
    expect(await constantTimeEquals('test-api-key', 'test-api-kez')).toBe(false);
    expect(await constantTimeEquals('test-api-key', 'test-api-key ')).toBe(false);
    expect(await constantTimeEquals('test-api-key', 'test-api-ke')).toBe(false);
    expect(await constantTimeEquals('test-api-key', '')).toBe(false);
    expect(await constantTimeEquals('clé', 'cle\u0301')).toBe(false);
  });

  it('agrees with === on arbitrary pairs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), async (a, b) => {
        expect(await constantTimeEquals(a, b)).toBe(a === b);
        expect(await constantTimeEquals(a, a)).toBe(true);
      }),
    );
  });

  it('refuses every one-character change of a key', async () => {
    const key = 'dev-only-api-key';
    for (let i = 0; i < key.length; i++) {
      const changed = `${key.slice(0, i)}${key[i] === 'x' ? 'y' : 'x'}${key.slice(i + 1)}`;
      expect(await constantTimeEquals(changed, key), changed).toBe(false);
    }
  });
});
