import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRate } from '../../src/lib/rate';

describe('parseRate', () => {
  it('reads N/second|minute|hour|day', () => {
    expect(parseRate('40/minute')).toEqual({ limit: 40, windowSeconds: 60 });
    expect(parseRate('1/second')).toEqual({ limit: 1, windowSeconds: 1 });
    expect(parseRate('120/hour')).toEqual({ limit: 120, windowSeconds: 3600 });
    expect(parseRate(' 5/day ')).toEqual({ limit: 5, windowSeconds: 86400 });
  });

  it('refuses anything else', () => {
    for (const bad of [
      '',
      '40',
      '/minute',
      '0/minute',
      '-1/minute',
      '1.5/minute',
      '40/min',
      '40/m',
      '40/minutes',
      '40/Minute',
      '40 / minute',
      '40/week',
      '1e3/second',
      '99999999999999999999/second',
    ]) {
      expect(parseRate(bad), bad).toBeNull();
    }
  });

  it('round-trips any positive limit and period', () => {
    const periods = { second: 1, minute: 60, hour: 3600, day: 86400 } as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom(...(Object.keys(periods) as (keyof typeof periods)[])),
        (limit, period) => {
          expect(parseRate(`${limit}/${period}`)).toEqual({ limit, windowSeconds: periods[period] });
        },
      ),
    );
  });

  it('never throws', () => {
    fc.assert(fc.property(fc.string(), (value) => void parseRate(value)));
  });
});
