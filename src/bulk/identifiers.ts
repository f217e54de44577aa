// Pure parsing rules of docs/api/bulk-enroll.md#fields and #resolving.

/**
 * Upstream splits on `[\n\r\s,]` with Python 3's `\s`, i.e. what `str.isspace()` accepts: unlike
 * JavaScript's `\s` it includes U+001C–U+001F and U+0085 and excludes U+FEFF.
 */
const SEPARATORS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Python's whitespace includes these separators
  /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000,]+/u;

/** Identifiers are split on every comma, CR, LF and whitespace; empty pieces dropped, order and duplicates kept. */
export function splitIdentifiers(value: string): string[] {
  return value.split(SEPARATORS).filter((piece) => piece !== '');
}

/** Course and cohort lists: split on `,` only, pieces NOT trimmed (`"a, b"` yields `" b"`). */
export function splitCommaList(value: string | readonly string[]): string[] {
  const items = typeof value === 'string' ? [value] : value;
  return items.flatMap((item) => item.split(','));
}

// DRF BooleanField's fixed spellings (no case folding beyond these).
export const DRF_TRUE = 't T y Y yes Yes YES true True TRUE on On ON 1'.split(' ');
export const DRF_FALSE = 'f F n N no No NO false False FALSE off Off OFF 0'.split(' ');
const TRUE = new Set(DRF_TRUE);
const FALSE = new Set(DRF_FALSE);

/** DRF BooleanField rules, parsed once and used everywhere (#b3). */
export function parseDrfBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return null;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  return null;
}
