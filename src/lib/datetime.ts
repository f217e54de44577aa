/**
 * Wire format of datetimes (enrollment-api.md §2): ISO 8601 UTC ending in `Z`, fraction only when
 * non-zero, milliseconds padded to six digits (`.123000Z`). Stored values are epoch milliseconds.
 */
export function formatDateTime(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  const iso = new Date(ms).toISOString(); // 2015-01-02T03:04:05.678Z
  const fraction = ms % 1000 === 0 ? '' : `.${iso.slice(20, 23)}000`;
  return `${iso.slice(0, 19)}${fraction}Z`;
}

/** Parses an ISO 8601 datetime with an offset (or `Z`) into epoch milliseconds; null when not parseable. */
export function parseDateTime(value: string): number | null {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
