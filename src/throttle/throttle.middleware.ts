import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context';
import { isGlobalStaff } from '../context/principal';
import { ApiError } from '../lib/errors';
import { type ErrorStyle, styledBody } from '../lib/http';
import { hit } from './window-counter';

export interface ThrottleOptions {
  style?: ErrorStyle;
  /** `ip`: the course details endpoint counts anonymous callers by client IP (upstream anon scope). */
  identity?: 'user' | 'ip';
}

const throttledMessage = (seconds: number) =>
  `Request was throttled. Expected available in ${seconds} second${seconds === 1 ? '' : 's'}.`;

/**
 * Upstream EnrollmentUserThrottle: one bucket per (scope, caller) shared by every enrollment
 * endpoint and bulk enroll; staff and superusers get THROTTLE_STAFF_RATE. A valid API key is
 * neither refused nor counted, also where it grants nothing (bulk enroll). Mounted after
 * authentication and permission checks, so refused requests never count.
 */
export const throttle = ({ style = 'detail', identity = 'user' }: ThrottleOptions = {}): MiddlewareHandler<AppEnv> =>
  async function throttle(c, next) {
    const { config } = c.get('deps');
    const principal = c.get('principal');
    if (!config.RATE_LIMIT_ENABLED || principal.unthrottled) return next();

    let bucket: string;
    let rate = config.THROTTLE_USER_RATE;
    if (identity === 'ip' || !principal.user) {
      bucket = `user:ip:${c.req.header('CF-Connecting-IP') ?? 'unknown'}`;
    } else {
      const staff = isGlobalStaff(principal) || principal.user.isSuperuser;
      if (staff) rate = config.THROTTLE_STAFF_RATE;
      bucket = `${staff ? 'staff' : 'user'}:${principal.user.id}`;
    }
    const decision = await hit(
      c.get('deps'),
      `${bucket}:${rate.limit}/${rate.windowSeconds}`,
      rate.limit,
      rate.windowSeconds,
    );
    const headers = {
      'RateLimit-Limit': String(decision.limit),
      'RateLimit-Remaining': String(decision.remaining),
      'RateLimit-Reset': String(decision.resetSeconds),
    };
    if (!decision.allowed) {
      const message = throttledMessage(decision.resetSeconds);
      throw new ApiError(429, styledBody(style, 'throttled', message), {
        ...headers,
        'Retry-After': String(decision.resetSeconds),
      });
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
