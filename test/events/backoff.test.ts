import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffSeconds, MAX_BACKOFF_SECONDS } from '../../src/events/backoff';

// docs/events.md#delivery: the retry after attempt n waits min(base × 2^(n−1), 21600) seconds.

const attempt = fc.integer({ min: 1, max: 40 });
const base = fc.integer({ min: 1, max: 21_600 });

describe('backoffSeconds', () => {
  it('is the documented formula', () => {
    fc.assert(
      fc.property(attempt, base, (n, b) => {
        expect(backoffSeconds(n, b)).toBe(Math.min(b * 2 ** (n - 1), 21_600));
      }),
    );
  });

  it('starts at the base, doubles until the cap, then stays at 6 hours', () => {
    fc.assert(
      fc.property(attempt, base, (n, b) => {
        expect(backoffSeconds(1, b)).toBe(b);
        const next = backoffSeconds(n + 1, b);
        expect(next).toBe(Math.min(2 * backoffSeconds(n, b), MAX_BACKOFF_SECONDS));
        expect(next).toBeGreaterThanOrEqual(backoffSeconds(n, b));
        expect(next).toBeLessThanOrEqual(MAX_BACKOFF_SECONDS);
      }),
    );
  });

  it('is a whole number of seconds the queue accepts (at most 12 hours)', () => {
    fc.assert(
      fc.property(attempt, base, (n, b) => {
        const delay = backoffSeconds(n, b);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(1);
        expect(delay).toBeLessThanOrEqual(43_200);
      }),
    );
  });

  it('with the defaults: 30 s, 1 min, 2 min … then 6 hours', () => {
    expect(Array.from({ length: 8 }, (_, i) => backoffSeconds(i + 1, 30))).toEqual([
      30, 60, 120, 240, 480, 960, 1920, 3840,
    ]);
    expect(backoffSeconds(20, 30)).toBe(21_600);
    expect(MAX_BACKOFF_SECONDS).toBe(21_600);
  });
});
