import { cursorCodec, type KeysetCursor } from '../lib/cursor';

// Keyset (cursor) paging of the program lists (docs/api/programs.md#paging): rows ordered by id,
// opaque cursors (lib/cursor.ts), absolute next/previous URLs with the query re-encoded in sorted order.

/** `<direction>~<id>`: `n` rows after `id` (ascending), `p` rows before it. */
export type IdCursor = KeysetCursor<'id'>;

const idCodec = cursorCodec({ separator: '~', fields: [['id', '\\d{1,16}']], maxTokenLength: 40 });

export const encodeIdCursor = (cursor: IdCursor): string => idCodec.encode(cursor);

/** Null for anything this service did not issue. */
export const decodeIdCursor = (token: string): IdCursor | null => idCodec.decode(token);

export interface PageSizeRule {
  fallback: number;
  max: number;
  /** Values below 1: `clamp` counts them as 1, `fallback` ignores them (DRF's strict positive int). */
  belowOne: 'clamp' | 'fallback';
}

/** Staff lists: default 100 (upstream), clamped to 1..1000 (#p7; upstream has no bound). */
export const STAFF_PAGE_SIZE: PageSizeRule = { fallback: 100, max: 1000, belowOne: 'clamp' };
/** Learner dashboard (#dashboard): default 10, at most 25, anything invalid → 10, as upstream. */
export const DASHBOARD_PAGE_SIZE: PageSizeRule = { fallback: 10, max: 25, belowOne: 'fallback' };

/** `?page_size=`: a whole number (sign allowed); anything else is the fallback. */
export function parsePageSize(raw: string | undefined, rule: PageSizeRule): number {
  if (raw === undefined || !/^\s*[+-]?\d{1,15}\s*$/.test(raw)) return rule.fallback;
  const n = Number(raw);
  if (n < 1) return rule.belowOne === 'clamp' ? 1 : rule.fallback;
  return Math.min(n, rule.max);
}

export interface Page<T> {
  rows: T[];
  next: IdCursor | null;
  previous: IdCursor | null;
}

/**
 * Cuts a page from `rows` read with `limit + 1` (ascending after an `n` cursor or without one,
 * descending before a `p` cursor) and works out the neighbours' cursors.
 */
export function cutPage<T extends { id: number }>(rows: readonly T[], limit: number, cursor: IdCursor | null): Page<T> {
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const backwards = cursor?.direction === 'p';
  if (backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  // Coming back from a later page there are always later rows; going forward, earlier ones.
  const hasNext = backwards ? true : more;
  const hasPrevious = cursor === null ? false : backwards ? more : true;
  return {
    rows: page,
    next: hasNext && last ? { direction: 'n', id: last.id } : null,
    previous: hasPrevious && first ? { direction: 'p', id: first.id } : null,
  };
}

/** The request's own absolute URL with `cursor` set and the query re-encoded in sorted order (DRF). */
export function pageUrl(requestUrl: string, cursor: IdCursor | null): string | null {
  if (cursor === null) return null;
  const url = new URL(requestUrl);
  url.searchParams.set('cursor', encodeIdCursor(cursor));
  url.searchParams.sort();
  return url.toString();
}
