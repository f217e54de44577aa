import { canonicalUuid } from '../lib/uuid';
import { cutPage, decodeIdCursor, type IdCursor, type PageSizeRule, pageUrl, parsePageSize } from './paging';
import { invalidCursor } from './program-errors';

/** A program UUID from a URL in canonical form; one that is not a UUID matches no program. */
export const programKey = (raw: string) => canonicalUuid(raw) ?? raw.toLowerCase();

export interface PageQuery {
  cursor?: string;
  page_size?: string;
}

export interface PageRequest {
  cursor: IdCursor | null;
  size: number;
  /** A cursor this service did not issue: 404 once the endpoint's own checks have passed. */
  cursorInvalid: boolean;
}

/** The cursor and page size of a list request. */
export function pageRequest(query: PageQuery, rule: PageSizeRule): PageRequest {
  const cursor = query.cursor === undefined ? null : decodeIdCursor(query.cursor);
  return { cursor, size: parsePageSize(query.page_size, rule), cursorInvalid: query.cursor !== undefined && !cursor };
}

/** The paginated body (docs/api/programs.md#paging) of rows read with `size + 1`. */
export function pageBody<T extends { id: number }, R>(
  rows: readonly T[],
  request: PageRequest,
  requestUrl: string,
  toResult: (row: T) => R,
) {
  if (request.cursorInvalid) throw invalidCursor();
  const page = cutPage(rows, request.size, request.cursor);
  return {
    next: pageUrl(requestUrl, page.next),
    previous: pageUrl(requestUrl, page.previous),
    results: page.rows.map(toResult),
  };
}
