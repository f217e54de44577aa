import { echo } from './echo';
import { developerError } from './errors';

// Read-your-writes over D1 read replication (docs/api/read-your-writes.md): the request header a
// client sends back, and the session each request opens.

export const BOOKMARK_HEADER = 'x-d1-bookmark';

/**
 * The form of the bookmarks D1 hands out: four lowercase hex groups (8-8-8-32), ordered by time
 * when compared as strings. Local D1 accepts any string as a bookmark, so the form is checked here.
 */
export const BOOKMARK_FORM = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

/** Methods whose reads may start on any replica when no bookmark is sent. */
const READ_METHODS = new Set(['GET', 'HEAD']);

export const invalidBookmark = (value: string, why = 'is not a D1 bookmark') =>
  developerError(400, 'invalid_bookmark', `${BOOKMARK_HEADER} "${echo(value)}" ${why}.`, {
    [BOOKMARK_HEADER]: 'Send back a bookmark exactly as a previous response returned it, or no header.',
  });

/**
 * What the request's D1 session starts from: the bookmark it sent (checked), else any replica for
 * a read request and the primary for everything else (a write in a GET, such as the just-in-time
 * account, still goes to the primary: replicas forward writes). Throws `invalid_bookmark` on a
 * malformed one.
 */
export function sessionStart(method: string, bookmark: string | undefined): string {
  // An empty header is no bookmark: a client's first call may send back the nothing it has.
  if (!bookmark) return READ_METHODS.has(method) ? 'first-unconstrained' : 'first-primary';
  if (!BOOKMARK_FORM.test(bookmark)) throw invalidBookmark(bookmark);
  return bookmark;
}

/**
 * Whether a D1 failure is D1 refusing the bookmark the request sent (a production database may
 * refuse a well-formed one, e.g. from another database; local D1 never does).
 */
export const isBookmarkRefusal = (error: unknown) => error instanceof Error && /bookmark/i.test(error.message);

const BOOKMARK_DESCRIPTION =
  'Read-your-writes with D1 read replication: send back the `x-d1-bookmark` of an earlier response and every D1 query of this request reads data at least as new as that response saw, from any replica. Without it a `GET` reads from any replica (possibly a little behind) and a write starts on the primary. A malformed bookmark, or one D1 refuses, answers 400 `invalid_bookmark`.';

/** The request header, documented once (`components.parameters.D1Bookmark`). */
export const BOOKMARK_PARAMETER = {
  name: BOOKMARK_HEADER,
  in: 'header' as const,
  required: false,
  description: BOOKMARK_DESCRIPTION,
  schema: {
    type: 'string' as const,
    pattern: BOOKMARK_FORM.source,
    example: '00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683',
  },
};

/**
 * The response header, inline on each answer: typed clients make a referenced header required,
 * and this one is absent when no D1 query ran.
 */
export const BOOKMARK_RESPONSE_HEADER = {
  required: false,
  description:
    'The D1 session’s latest bookmark, when the request queried D1 (errors included). Send it back as `x-d1-bookmark` to read your own writes.',
  schema: { type: 'string' as const, pattern: BOOKMARK_FORM.source },
};

export const BOOKMARK_PARAMETER_REF = { $ref: '#/components/parameters/D1Bookmark' };

/** A documented answer with the `x-d1-bookmark` header added (headers declared as an object, not zod). */
export function withBookmarkHeader<R extends object>(
  response: R,
  status: string,
): R & { headers: Record<string, typeof BOOKMARK_RESPONSE_HEADER> } {
  const headers = (response as { headers?: Record<string, typeof BOOKMARK_RESPONSE_HEADER> }).headers;
  if (headers && 'safeParse' in headers) {
    throw new Error(`route(): declare the ${status} answer's headers as an OpenAPI headers object, not zod`);
  }
  return { ...response, headers: { ...headers, [BOOKMARK_HEADER]: BOOKMARK_RESPONSE_HEADER } };
}

/** Whether a documented operation queries D1 (route() gave it the bookmark parameter). */
export const documentsBookmark = (operation: { parameters?: unknown[] }) =>
  operation.parameters?.includes(BOOKMARK_PARAMETER_REF) ?? false;
