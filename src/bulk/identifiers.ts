// Pure parsing rules of docs/api/bulk-enroll.md#fields and #resolving.

export { splitIdentifiers } from '../lib/identifiers';

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
