/**
 * Wire format of datetimes (docs/api/conventions.md#datetimes): ISO 8601 UTC ending in `Z`, fraction only when
 * non-zero, milliseconds padded to six digits (`.123000Z`). Stored values are epoch milliseconds
 * of years 0000–9999 (what `parseDateTime` lets in, and what upstream's Python datetimes hold).
 */
export function formatDateTime(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  const iso = new Date(ms).toISOString(); // 2015-01-02T03:04:05.678Z
  const millis = iso.slice(20, 23);
  // Decide on the printed digits, not on `ms % 1000`: a sub-millisecond remainder prints as `.000`.
  return `${iso.slice(0, 19)}${millis === '000' ? '' : `.${millis}000`}Z`;
}

export const MIN_DATETIME_MS = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
export const MAX_DATETIME_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

const ISO_DATETIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:[.,](\d{1,9}))?)?(?:(Z)|([+-])(\d\d):?(\d\d))$/i;

/**
 * Parses an ISO 8601 datetime with `Z` or an offset into epoch milliseconds (fraction truncated to
 * milliseconds); null for anything else, including dates without a time or zone, impossible dates
 * and results outside years 0000–9999. `Date.parse` is not used: it also accepts `"1"` or
 * `"January 2, 2015"`.
 */
export function parseDateTime(value: string): number | null {
  const m = ISO_DATETIME.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
  const second = m[6] ? Number(m[6]) : 0;
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // not Date.UTC: it maps years 0–99 to 1900–1999
  if (date.getUTCMonth() !== month - 1) return null; // e.g. February 30th rolled over
  date.setUTCHours(hour, minute, second, millis);
  let ms = date.getTime();
  if (!m[8]) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 23 || offsetMinutes > 59) return null;
    ms -= (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  return ms >= MIN_DATETIME_MS && ms <= MAX_DATETIME_MS ? ms : null;
}
