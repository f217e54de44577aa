import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Config } from '../config';

/** The header `@edx/frontend-platform` sends to ask for the JWT cookie pair to be read. */
export const USE_JWT_COOKIE = 'USE-JWT-COOKIE';

export type CookieJwt = { token: string } | { incomplete: true } | null;

/**
 * The JWT split over the browser's two cookies (edx-drf-extensions `JwtAuthCookieMiddleware`),
 * joined back as `<header.payload>.<signature>`. Read only without an `Authorization` header and
 * with `USE-JWT-COOKIE` (any non-empty value, as upstream): `null` when not asked for,
 * `{ incomplete }` when one of the two cookies is missing.
 */
export function cookieJwt(c: Context, config: Config): CookieJwt {
  if (c.req.header('Authorization') !== undefined || !c.req.header(USE_JWT_COOKIE)) return null;
  const headerPayload = getCookie(c, config.JWT_AUTH_COOKIE_HEADER_PAYLOAD);
  const signature = getCookie(c, config.JWT_AUTH_COOKIE_SIGNATURE);
  if (!headerPayload && !signature) return null;
  if (!headerPayload || !signature) return { incomplete: true };
  return { token: `${headerPayload}.${signature}` };
}
