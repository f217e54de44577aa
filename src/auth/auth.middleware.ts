import type { MiddlewareHandler } from 'hono';
import type { Config } from '../config';
import type { AppEnv, AuthFailure } from '../context';
import { ANONYMOUS, isAuthenticated, type Principal } from '../context/principal';
import { constantTimeEquals } from '../lib/constant-time';
import { AUTH_MESSAGES } from '../lib/errors';
import { authError, type ErrorStyle } from '../lib/http';
import { JwtError, verifyJwt } from './jwt';

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

/**
 * Establishes the principal: a JWT in `Authorization: JWT|Bearer …` (a bad one is 401 even when an
 * API key is also sent, as DRF authenticates before it checks permissions) and/or `X-Edx-Api-Key`.
 */
export const authenticate = ({
  style = 'detail',
  jwtOnly = false,
  optional = false,
}: AuthOptions = {}): MiddlewareHandler<AppEnv> =>
  async function authenticate(c, next) {
    const deps = c.get('deps');
    const principal: Principal = { ...ANONYMOUS };
    const authorization = c.req.header('Authorization');
    const match = authorization ? JWT_HEADER.exec(authorization.trim()) : null;
    if (match) {
      const token = match[2]?.trim();
      if (!token || /\s/.test(token)) {
        c.set('authFailure', { reason: 'malformed header' });
        throw authError(style, 401, 'Invalid Authorization header. No credentials provided.');
      }
      try {
        const claims = await verifyJwt(token, deps.config);
        principal.user = await deps.syncUser(claims);
        principal.restricted = claims.isRestricted;
        principal.scopes = claims.scopes;
        principal.filters = claims.filters;
      } catch (error) {
        if (!(error instanceof JwtError)) throw error;
        c.set('authFailure', error.failure);
        throw authError(style, 401, error.message);
      }
    }
    // Checked on JWT-only endpoints too: there the key grants nothing, but it still exempts from the
    // throttle (docs/api/enrollments.md#throttling).
    const keyHeader = c.req.header('X-Edx-Api-Key');
    const validKey = await hasValidApiKey(keyHeader, deps.config.EDX_API_KEY);
    principal.unthrottled = validKey;
    if (!jwtOnly) principal.apiKey = validKey;
    if (keyHeader !== undefined && !validKey) c.set('authFailure', apiKeyFailure(deps.config.EDX_API_KEY));
    c.set('principal', principal);
    if (!optional && !isAuthenticated(principal)) {
      if (keyHeader === undefined || validKey) {
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
