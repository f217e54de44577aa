/** D1 binds at most 100 parameters per statement: `inArray` lists are chunked below that. */
export const D1_MAX_BOUND_PARAMETERS = 100;

/** Splits `items` in order into pieces of `size` (the last may be shorter). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  // A zero, negative or fractional size would loop forever or yield oversized pieces.
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
