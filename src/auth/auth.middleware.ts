import type { Context, MiddlewareHandler } from 'hono';
import type { Config } from '../config';
import type { AppEnv, AuthFailure } from '../context';
import { ANONYMOUS, isAuthenticated, type Principal } from '../context/principal';
import { constantTimeEquals } from '../lib/constant-time';
import { AUTH_MESSAGES } from '../lib/errors';
import { authError, type ErrorStyle } from '../lib/http';
import { csrfError, csrfFailure, needsCsrf } from './csrf';
import { type JwtClaims, JwtError, verifyJwt } from './jwt';
import { cookieJwt } from './jwt-cookies';

const JWT_HEADER = /^(JWT|Bearer)(?:\s+(.*))?$/i;

async function hasValidApiKey(header: string | undefined, configured: string | null): Promise<boolean> {
  if (!header || !configured) return false;
  return constantTimeEquals(header, configured);
}

/** Why a sent `X-Edx-Api-Key` was not taken, for the log line (the answer never says). */
const apiKeyFailure = (configured: string | null): AuthFailure => ({
  reason: configured ? 'api key mismatch' : 'api key not configured',
});

export interface AuthOptions {
  style?: ErrorStyle;
  /** The API key grants nothing here (E7, E8, E9, bulk enroll): it is neither required nor counted. */
  jwtOnly?: boolean;
  /** Let unauthenticated calls through (the endpoint decides). */
  optional?: boolean;
}

/** A JWT the request presents: in `Authorization`, or joined from the browser's cookie pair. */
interface PresentedJwt {
  token: string;
  viaCookies: boolean;
}

function presentedJwt(c: Context<AppEnv>, config: Config, style: ErrorStyle): PresentedJwt | null {
  const authorization = c.req.header('Authorization');
  const match = authorization ? JWT_HEADER.exec(authorization.trim()) : null;
  if (match) {
    const token = match[2]?.trim();
    if (!token || /\s/.test(token)) {
      c.set('authFailure', { reason: 'malformed header' });
      throw authError(style, 401, 'Invalid Authorization header. No credentials provided.');
    }
    return { token, viaCookies: false };
  }
  const cookies = cookieJwt(c, config);
  if (cookies && 'token' in cookies) return { token: cookies.token, viaCookies: true };
  // Upstream's middleware leaves a lone cookie alone: the request is then simply not authenticated.
  if (cookies) c.set('authFailure', { reason: 'jwt cookie incomplete' });
  return null;
}

/**
 * The JWT's user on `principal`. A cookie-borne JWT on an unsafe method must pass the CSRF check
 * first (unless a valid API key came too: no other site can send it), and before the account sync,
 * so a refused request writes nothing.
 */
async function applyJwt(
  c: Context<AppEnv>,
  jwt: PresentedJwt,
  principal: Principal,
  { style, validKey }: { style: ErrorStyle; validKey: boolean },
): Promise<void> {
  const deps = c.get('deps');
  let claims: JwtClaims;
  try {
    claims = await verifyJwt(jwt.token, deps.config);
  } catch (error) {
    if (!(error instanceof JwtError)) throw error;
    c.set('authFailure', error.failure);
    throw authError(style, 401, error.message);
  }
  if (jwt.viaCookies && !validKey && needsCsrf(c.req.method)) {
    const failure = await csrfFailure(c, deps.config);
    if (failure) throw csrfError(failure);
  }
  principal.user = await deps.syncUser(claims);
  principal.restricted = claims.isRestricted;
  principal.scopes = claims.scopes;
  principal.filters = claims.filters;
  principal.viaCookies = jwt.viaCookies;
}

/**
 * Establishes the principal: a JWT in `Authorization: JWT|Bearer …` or in the JWT cookie pair (a
 * bad one is 401 even when an API key is also sent, as DRF authenticates before it checks
 * permissions) and/or `X-Edx-Api-Key`.
 */
export const authenticate = ({
  style = 'detail',
  jwtOnly = false,
  optional = false,
}: AuthOptions = {}): MiddlewareHandler<AppEnv> =>
  async function authenticate(c, next) {
    const deps = c.get('deps');
    const principal: Principal = { ...ANONYMOUS };
    // Checked on JWT-only endpoints too: there the key grants nothing, but it still exempts from the
    // throttle (docs/api/enrollments.md#throttling).
    const keyHeader = c.req.header('X-Edx-Api-Key');
    const validKey = await hasValidApiKey(keyHeader, deps.config.EDX_API_KEY);
    const jwt = presentedJwt(c, deps.config, style);
    if (jwt) await applyJwt(c, jwt, principal, { style, validKey });
    principal.unthrottled = validKey;
    if (!jwtOnly) principal.apiKey = validKey;
    if (keyHeader !== undefined && !validKey) c.set('authFailure', apiKeyFailure(deps.config.EDX_API_KEY));
    c.set('principal', principal);
    if (!optional && !isAuthenticated(principal)) {
      if ((keyHeader === undefined || validKey) && !c.get('authFailure')) {
        c.set('authFailure', { reason: validKey ? 'api key not accepted here' : 'no credentials' });
      }
      throw authError(style, 401, AUTH_MESSAGES.notAuthenticated);
    }
    await next();
  };

/** 403 unless `allowed(principal)`; runs after `authenticate`, before the throttle and input checks. */
export const requirePermission = (
  allowed: (principal: Principal, config: Config) => boolean,
  style: ErrorStyle = 'detail',
): MiddlewareHandler<AppEnv> =>
  async function requirePermission(c, next) {
    if (!allowed(c.get('principal'), c.get('deps').config)) throw authError(style, 403, AUTH_MESSAGES.forbidden);
    await next();
  };

/**
 * For public endpoints (course details): no authentication is performed — an `Authorization`
 * header is ignored, a bad JWT is not a 401 — but a valid API key still exempts from the throttle.
 */
export const apiKeyOnly = (): MiddlewareHandler<AppEnv> =>
  async function apiKeyOnly(c, next) {
    const header = c.req.header('X-Edx-Api-Key');
    // Most calls carry no key: skip the (hashing, asynchronous) comparison.
    const configured = c.get('deps').config.EDX_API_KEY;
    const apiKey = header === undefined ? false : await hasValidApiKey(header, configured);
    if (header !== undefined && !apiKey) c.set('authFailure', apiKeyFailure(configured));
    c.set('principal', { ...ANONYMOUS, apiKey, unthrottled: apiKey });
    await next();
  };
