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

/**
 * Splits `items` in order so that each piece, serialised as JSON, stays under `maxBytes` (an item
 * larger than that gets a piece of its own). Used for lists bound as one JSON parameter: D1 refuses
 * a string parameter over its size limit (SQLITE_TOOBIG).
 */
export function chunkByJsonSize<T>(items: readonly T[], maxBytes: number): T[][] {
  const encoder = new TextEncoder();
  const out: T[][] = [];
  let piece: T[] = [];
  let size = 2;
  for (const item of items) {
    const itemSize = encoder.encode(JSON.stringify(item)).length + 1;
    if (piece.length > 0 && size + itemSize > maxBytes) {
      out.push(piece);
      piece = [];
      size = 2;
    }
    piece.push(item);
    size += itemSize;
  }
  if (piece.length > 0) out.push(piece);
  return out;
}
