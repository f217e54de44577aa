import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context';

/** Response headers a browser script may read (the rest stay hidden from it). */
export const EXPOSED_HEADERS = [
  'X-Request-Id',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'x-d1-bookmark',
  'Idempotent-Replayed',
  'Server-Timing',
];
export const ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
export const ALLOWED_HEADERS = [
  'Accept',
  'Authorization',
  'Content-Type',
  'USE-JWT-COOKIE',
  'X-CSRFToken',
  'Idempotency-Key',
  'x-d1-bookmark',
  'X-Request-Id',
  'X-Requested-With',
];
const MAX_AGE_SECONDS = '86400';

const EXPOSED = EXPOSED_HEADERS.join(', ');
const PREFLIGHT_HEADERS = {
  'Access-Control-Allow-Methods': ALLOWED_METHODS.join(', '),
  'Access-Control-Allow-Headers': ALLOWED_HEADERS.join(', '),
  'Access-Control-Max-Age': MAX_AGE_SECONDS,
};

/**
 * CORS for the `CORS_ORIGIN_WHITELIST` origins, with credentials (docs/api/browser-clients.md#cors).
 * Runs right after the request context: a preflight is answered here, on any path, before routing,
 * authentication and throttling, and costs no storage. Every other answer of a whitelisted origin,
 * errors included, leaves with the CORS headers. Hono's `cors()` is not used: it answers every
 * `OPTIONS` as a preflight, from any origin, and sends `Allow-Credentials` to origins it refuses.
 */
export const cors = (): MiddlewareHandler<AppEnv> =>
  async function cors(c, next) {
    const whitelist = c.get('deps').config.CORS_ORIGIN_WHITELIST;
    if (whitelist.size === 0) return next();
    const origin = c.req.header('Origin');
    const allowed = origin !== undefined && whitelist.has(origin);
    if (allowed && c.req.method === 'OPTIONS' && c.req.header('Access-Control-Request-Method') !== undefined) {
      return new Response(null, {
        status: 204,
        headers: { ...PREFLIGHT_HEADERS, ...allowOrigin(origin), Vary: 'Origin' },
      });
    }
    await next();
    const headers = c.res.headers;
    // The answer depends on Origin whenever CORS is on, also for origins that get no CORS headers.
    headers.append('Vary', 'Origin');
    if (allowed) for (const [name, value] of Object.entries(allowOrigin(origin))) headers.set(name, value);
  };

const allowOrigin = (origin: string) => ({
  'Access-Control-Allow-Origin': origin,
  'Access-Control-Allow-Credentials': 'true',
  'Access-Control-Expose-Headers': EXPOSED,
});
