import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Config } from '../config';
import { constantTimeEquals } from '../lib/constant-time';
import { echo } from '../lib/echo';
import { ApiError } from '../lib/errors';

/** The CSRF token's form: what `/csrf/api/v1/token` issues, and what a cookie must look like to count. */
export const CSRF_TOKEN = /^[A-Za-z0-9]{32,64}$/;
export const CSRF_HEADER = 'X-CSRFToken';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const needsCsrf = (method: string): boolean => UNSAFE_METHODS.has(method);

/** The service's own origin, a CORS-whitelisted one, or a CSRF-trusted one. */
function trustedOrigin(origin: string, requestUrl: string, config: Config): boolean {
  const normalized = origin.toLowerCase();
  return (
    config.CORS_ORIGIN_WHITELIST.has(normalized) ||
    config.CSRF_TRUSTED_ORIGINS.has(normalized) ||
    normalized === new URL(requestUrl).origin
  );
}

/**
 * Why Django's CsrfViewMiddleware would refuse this request, the first failing check in its order
 * (origin, cookie, token sent, token equal), or `null` when it passes. A double submit: the header
 * must repeat the cookie, which another site can neither read nor set.
 */
export async function csrfFailure(c: Context, config: Config): Promise<string | null> {
  const origin = c.req.header('Origin');
  if (origin !== undefined && !trustedOrigin(origin, c.req.url, config)) {
    return `Origin checking failed - ${echo(origin)} does not match any trusted origins.`;
  }
  const cookie = getCookie(c, config.CSRF_COOKIE_NAME);
  if (!cookie || !CSRF_TOKEN.test(cookie)) return 'CSRF cookie not set.';
  const token = c.req.header(CSRF_HEADER);
  if (!token) return 'CSRF token missing.';
  if (!(await constantTimeEquals(token, cookie))) return 'CSRF token incorrect.';
  return null;
}

/** DRF's answer to a CSRF failure, whatever the endpoint's own error style. */
export const csrfError = (reason: string) => new ApiError(403, { detail: `CSRF Failed: ${reason}` });
