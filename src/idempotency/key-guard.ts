import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context';
import { developerError, IDEMPOTENCY_KEY_IN_USE } from '../lib/errors';
import { jsonResponse } from '../middleware/render-error';
import { answerToKeep, callerIdentity, fingerprint, holdKey, newClaim, settleKey } from './idempotency.service';
import { type KeyOutcome, MAX_STORED_BODY_BYTES, parseIdempotencyKey, REPLAYED_HEADER, scopePath } from './key';

/** A running key older than this is reported as possibly abandoned (docs/api/idempotency.md#stale). */
const STALE_MS = 60_000;

/** The guard of a write that sends `Idempotency-Key` (docs/api/idempotency.md), run by `route()`. */
export const guardKey: MiddlewareHandler<AppEnv> = async function guardKey(c, next) {
  const parsed = parseIdempotencyKey(c.req.header('Idempotency-Key') ?? '');
  if (!parsed.ok) throw developerError(400, 'invalid_idempotency_key', `Idempotency-Key ${parsed.reason}.`);
  const deps = c.get('deps');
  const principal = await callerIdentity(c.get('principal'), deps.config);
  // Every write route authenticates; one that let an anonymous call through has no scope to keep.
  if (!principal) return next();
  const url = new URL(c.req.url);
  const path = scopePath(url.pathname);
  const method = c.req.method;
  const body = await c.req.arrayBuffer();
  const print = await fingerprint(method, path, url.search.slice(1), c.req.header('Content-Type') ?? '', body);
  const claim = newClaim(deps, { principal, method, path, key: parsed.key, fingerprint: print });
  const hold = holdKey(deps, claim);
  await next();
  const res = c.res;
  const contentType = res.headers.get('Content-Type');
  const outcome = await settleKey(deps, claim, hold, res.status, () =>
    answerToKeep(res.status, contentType, () => res.clone().text()),
  );
  if (!outcome) return;
  // Cleared first, or Hono would merge the handler's headers into the stored answer.
  const headers = new Headers(res.headers);
  c.res = undefined;
  c.res = outcomeResponse(outcome, headers);
};

function outcomeResponse(outcome: KeyOutcome, previous: Headers): Response {
  if (outcome.kind === 'reused') {
    return jsonResponse(
      {
        error_code: 'idempotency_key_reused',
        developer_message:
          'This Idempotency-Key was already used for a different request (method, path, query, content type or body).',
      },
      422,
    );
  }
  if (outcome.kind === 'in_use') {
    const stale = outcome.runningForMs !== null && outcome.runningForMs > STALE_MS;
    const message = stale
      ? 'The first request with this Idempotency-Key started over a minute ago and has not stored its answer; it may have been applied. Check the resource, then use a new key.'
      : IDEMPOTENCY_KEY_IN_USE.developer_message;
    return jsonResponse({ error_code: 'idempotency_key_in_use', developer_message: message }, 409, {
      'Retry-After': '1',
    });
  }
  return replay(outcome, previous);
}

function replay(outcome: Extract<KeyOutcome, { kind: 'replay' }>, previous: Headers): Response {
  const headers = new Headers();
  // The throttle's RateLimit-* and the like are about this request; the stored answer brings the rest.
  for (const [name, value] of previous) if (name.toLowerCase().startsWith('ratelimit')) headers.set(name, value);
  headers.set(REPLAYED_HEADER, 'true');
  if (outcome.body === null) {
    headers.set('Content-Type', 'application/json');
    const body = {
      error_code: 'idempotent_answer_not_kept',
      developer_message: `The first request with this Idempotency-Key was applied and answered ${outcome.status}; its answer was over ${MAX_STORED_BODY_BYTES} bytes and was not kept.`,
    };
    return new Response(JSON.stringify(body), { status: outcome.status, headers });
  }
  if (outcome.contentType) headers.set('Content-Type', outcome.contentType);
  return new Response(outcome.body === '' ? null : outcome.body, { status: outcome.status, headers });
}
