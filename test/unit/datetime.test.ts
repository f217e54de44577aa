import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDateTime, MAX_DATETIME_MS, MIN_DATETIME_MS, parseDateTime } from '../../src/lib/datetime';

const WIRE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/;
// Years 0000–9999: what four-digit ISO 8601 years (and upstream's Python datetimes) can hold.
const storedMs = fc.integer({ min: MIN_DATETIME_MS, max: MAX_DATETIME_MS });

describe('formatDateTime', () => {
  it('writes UTC with Z, a fraction only when non-zero, milliseconds padded to six digits', () => {
    expect(formatDateTime(Date.UTC(2015, 0, 2, 3, 4, 5))).toBe('2015-01-02T03:04:05Z');
    expect(formatDateTime(Date.UTC(2015, 0, 2, 3, 4, 5, 678))).toBe('2015-01-02T03:04:05.678000Z');
    expect(formatDateTime(Date.UTC(2015, 0, 2, 3, 4, 5, 5))).toBe('2015-01-02T03:04:05.005000Z');
    expect(formatDateTime(0)).toBe('1970-01-01T00:00:00Z');
    expect(formatDateTime(-1)).toBe('1969-12-31T23:59:59.999000Z');
  });

  it('maps null and undefined to null', () => {
    expect(formatDateTime(null)).toBeNull();
    expect(formatDateTime(undefined)).toBeNull();
  });

  it('prints no fraction for a sub-millisecond value (the fraction shown would be zero)', () => {
    expect(formatDateTime(Date.UTC(2020, 0, 1) + 0.25)).toBe('2020-01-01T00:00:00Z');
  });

  it('always matches the wire format and parses back to the same milliseconds', () => {
    expect(new Date(MIN_DATETIME_MS).toISOString()).toBe('0000-01-01T00:00:00.000Z');
    expect(new Date(MAX_DATETIME_MS).toISOString()).toBe('9999-12-31T23:59:59.999Z');
    fc.assert(
      fc.property(storedMs, (ms) => {
        const text = formatDateTime(ms) as string;
        expect(text).toMatch(WIRE);
        expect(parseDateTime(text)).toBe(ms);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseDateTime', () => {
  it('reads ISO 8601 datetimes with Z or an offset', () => {
    expect(parseDateTime('2015-01-02T03:04:05Z')).toBe(Date.UTC(2015, 0, 2, 3, 4, 5));
    expect(parseDateTime('2015-01-02T03:04:05.123456Z')).toBe(Date.UTC(2015, 0, 2, 3, 4, 5, 123));
    expect(parseDateTime('2015-01-02T05:04:05+02:00')).toBe(Date.UTC(2015, 0, 2, 3, 4, 5));
    expect(parseDateTime('2015-01-01T22:04:05-05:00')).toBe(Date.UTC(2015, 0, 2, 3, 4, 5));
    expect(parseDateTime('2015-01-02t03:04:05z')).toBe(Date.UTC(2015, 0, 2, 3, 4, 5));
    expect(parseDateTime('2015-01-02T03:04Z')).toBe(Date.UTC(2015, 0, 2, 3, 4));
    expect(parseDateTime('2016-02-29T00:00:00+0100')).toBe(Date.UTC(2016, 1, 28, 23));
    expect(parseDateTime('0001-01-01T00:00:00Z')).toBe(new Date('0001-01-01T00:00:00Z').getTime());
  });

  it('refuses what is not an ISO 8601 datetime with a zone', () => {
    for (const bad of [
      '',
      '1',
      '2015',
      'Tue, 02 Jan 2015 03:04:05 GMT',
      'January 2, 2015',
      '2015-01-02',
      '2015-01-02T03:04:05',
      '2015-01-02 03:04:05Z',
      '2015-13-02T03:04:05Z',
      '2015-02-30T03:04:05Z',
      '2015-01-02T24:00:01Z',
      '+010000-01-01T00:00:00Z',
      '9999-12-31T23:00:00-05:00',
      '0000-01-01T00:00:00+01:00',
      '2015-01-02T03:04:05+24:00',
      '2015-01-02T03:60:05Z',
      '2015-01-02T03:04:60Z',
      '2015-01-02T03:04:05Z trailing',
      'null',
    ]) {
      expect(parseDateTime(bad), bad).toBeNull();
    }
  });

  it('never throws and, when it answers, answers a number the formatter accepts', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (value) => {
        const ms = parseDateTime(value);
        if (ms !== null) expect(formatDateTime(ms)).toMatch(WIRE);
      }),
    );
  });
});
