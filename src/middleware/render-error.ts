import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ConfigError } from '../config';
import { isClaimTaken } from '../db/write-claim';
import { BOOKMARK_HEADER, invalidBookmark, isBookmarkRefusal } from '../lib/d1-bookmark';
import { ApiError, IDEMPOTENCY_KEY_IN_USE, PAYLOAD_TOO_LARGE } from '../lib/errors';

/** JSON with exactly `Content-Type: application/json` (some edX clients compare it literally). */
export function jsonResponse(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** 200 with a zero-byte body typed as JSON (upstream's "no enrollment" answer). */
export const emptyJsonResponse = () =>
  new Response('', { status: 200, headers: { 'Content-Type': 'application/json' } });

/** One place that turns anything thrown into the wire body (app.onError and the outer middleware). */
export function renderError(c: Context, error: unknown): Response {
  if (error instanceof ApiError) return jsonResponse(error.body, error.status, error.headers);
  if (error instanceof ConfigError) {
    return jsonResponse(
      {
        error_code: 'bad_configuration',
        developer_message: `Invalid service configuration: ${Object.keys(error.variables).join(', ')}`,
        field_errors: Object.fromEntries(
          Object.entries(error.variables).map(([name, message]) => [name, { developer_message: message }]),
        ),
      },
      500,
    );
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    if (status === 413) {
      return jsonResponse(PAYLOAD_TOO_LARGE, 413);
    }
    return jsonResponse({ error_code: 'http_error', developer_message: error.message || 'Request failed.' }, status);
  }
  // The idempotency guard replaces this with the key's precise answer (docs/api/idempotency.md#claim).
  if (isClaimTaken(error)) return jsonResponse(IDEMPOTENCY_KEY_IN_USE, 409, { 'Retry-After': '1' });
  const bookmark = c.req.header(BOOKMARK_HEADER);
  if (bookmark && isBookmarkRefusal(error)) {
    const refused = invalidBookmark(bookmark, 'was refused by D1');
    return jsonResponse(refused.body, refused.status);
  }
  const requestId = c.get('requestId') as string | undefined;
  console.error(JSON.stringify({ requestId, error: String(error), stack: (error as Error)?.stack }));
  return jsonResponse(
    { error_code: 'internal_error', developer_message: `Unexpected server error (request ${requestId ?? 'unknown'}).` },
    500,
  );
}
