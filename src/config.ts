import { z } from 'zod';
import { parseRate, type Rate } from './lib/rate';

/**
 * Configuration (docs/configuration.md#variables), parsed once per `env`
 * object. A bad value is a 500 naming the variable, never a silent default.
 */
const boolString = (name: string, fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      const v = value.trim().toLowerCase();
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      ctx.addIssue({ code: 'custom', message: `${name} must be true or false` });
      return z.NEVER;
    });

const rateString = (name: string, fallback: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx): Rate => {
      const rate = parseRate(value || fallback);
      if (!rate) {
        ctx.addIssue({ code: 'custom', message: `${name} must look like N/second|minute|hour|day` });
        return z.NEVER;
      }
      return rate;
    });

const optionalSecret = z
  .string()
  .optional()
  .transform((v) => (v ? v : null));

const jwkSet = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (!value) return null;
    try {
      const parsed = JSON.parse(value) as unknown;
      const keys = (parsed as { keys?: unknown }).keys;
      if (Array.isArray(keys) && keys.every((k) => typeof k === 'object' && k !== null)) {
        return { keys: keys as JsonWebKey[] };
      }
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'JWT_PUBLIC_SIGNING_JWK_SET must be a JSON JWK set ({"keys": [...]})' });
    return z.NEVER;
  });

// http(s) only: `new URL('localhost:18000')` succeeds with protocol `localhost:`, which would
// silently produce unusable links.
const url = (name: string, fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => v || fallback)
    .pipe(z.url({ protocol: /^https?$/, message: `${name} must be an http(s) URL` }))
    .transform((v) => v.replace(/\/+$/, ''));

const wholeNumber = (name: string, fallback: string, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => v || fallback)
    .pipe(z.string().regex(/^\d{1,9}$/, `${name} must be a whole number`))
    .transform(Number)
    .pipe(z.number().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));

const optionalUrl = (name: string) =>
  z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .pipe(z.url({ protocol: /^https?$/, message: `${name} must be an http(s) URL` }).optional());

/**
 * Comma-separated origins (`scheme://host[:port]`, as browsers send `Origin`), compared exactly;
 * anything else (a path, `*`, a bare host) names the variable.
 */
const originList = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx): ReadonlySet<string> => {
      const origins = new Set<string>();
      for (const entry of (value ?? '').split(',')) {
        const candidate = entry.trim().replace(/\/$/, '').toLowerCase();
        if (!candidate) continue;
        let origin = '';
        try {
          origin = new URL(candidate).origin;
        } catch {
          // reported below
        }
        if (origin !== candidate || !/^https?:/.test(origin)) {
          ctx.addIssue({
            code: 'custom',
            message: `${name} must list http(s) origins such as https://apps.example.com`,
          });
          return z.NEVER;
        }
        origins.add(origin);
      }
      return origins;
    });

// RFC 6265 cookie-name (an HTTP token).
const cookieName = (name: string, fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => v || fallback)
    .pipe(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, `${name} must be a cookie name`));

const ConfigSchema = z.object({
  JWT_SECRET_KEY: optionalSecret,
  JWT_PUBLIC_SIGNING_JWK_SET: jwkSet,
  JWT_ISSUER: z
    .string()
    .optional()
    .transform((v) => v || 'http://localhost:18000/oauth2'),
  JWT_AUDIENCE: z
    .string()
    .optional()
    .transform((v) => v || 'lms-key'),
  EDX_API_KEY: optionalSecret,
  RATE_LIMIT_ENABLED: boolString('RATE_LIMIT_ENABLED', true),
  THROTTLE_USER_RATE: rateString('THROTTLE_USER_RATE', '40/minute'),
  THROTTLE_STAFF_RATE: rateString('THROTTLE_STAFF_RATE', '120/minute'),
  ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT: z
    .string()
    .optional()
    .transform((v) => v || '60')
    .pipe(z.string().regex(/^\d{1,9}$/, 'ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT must be a whole number of seconds'))
    .transform(Number),
  LMS_ROOT_URL: url('LMS_ROOT_URL', 'http://localhost:18000'),
  RETIREMENT_SERVICE_WORKER_USERNAME: z
    .string()
    .optional()
    .transform((v) => v || 'retirement_service_worker'),
  ENABLE_ENROLLMENT_RESET: boolString('ENABLE_ENROLLMENT_RESET', false),
  TRUST_COUNTRY_HEADER: boolString('TRUST_COUNTRY_HEADER', false),
  // Browser clients (docs/api/browser-clients.md).
  CORS_ORIGIN_WHITELIST: originList('CORS_ORIGIN_WHITELIST'),
  CSRF_TRUSTED_ORIGINS: originList('CSRF_TRUSTED_ORIGINS'),
  JWT_AUTH_COOKIE_HEADER_PAYLOAD: cookieName('JWT_AUTH_COOKIE_HEADER_PAYLOAD', 'edx-jwt-cookie-header-payload'),
  JWT_AUTH_COOKIE_SIGNATURE: cookieName('JWT_AUTH_COOKIE_SIGNATURE', 'edx-jwt-cookie-signature'),
  CSRF_COOKIE_NAME: cookieName('CSRF_COOKIE_NAME', 'csrftoken'),
  // Events (docs/events.md#configuration). EVENTS_SOURCE defaults to LMS_ROOT_URL, resolved below.
  EVENTS_SOURCE: optionalUrl('EVENTS_SOURCE'),
  EVENTS_RETENTION_DAYS: wholeNumber('EVENTS_RETENTION_DAYS', '30', 1, 3650),
  WEBHOOK_ALLOW_HTTP: boolString('WEBHOOK_ALLOW_HTTP', false),
  WEBHOOK_TIMEOUT_SECONDS: wholeNumber('WEBHOOK_TIMEOUT_SECONDS', '10', 1, 120),
  WEBHOOK_BACKOFF_SECONDS: wholeNumber('WEBHOOK_BACKOFF_SECONDS', '30', 1, 21600),
  // The queue retries a message at most max_retries (20, wrangler.toml) times.
  WEBHOOK_MAX_ATTEMPTS: wholeNumber('WEBHOOK_MAX_ATTEMPTS', '8', 1, 20),
  // Bulk jobs (docs/configuration.md#variables). A chunk's writes are one D1 batch; the sync
  // endpoint's 10,000 pairs per batch is the measured ceiling.
  BULK_JOB_MAX_PAIRS: wholeNumber('BULK_JOB_MAX_PAIRS', '1000000', 1, 100_000_000),
  BULK_JOB_CHUNK: wholeNumber('BULK_JOB_CHUNK', '1000', 1, 10_000),
  // docs/api/idempotency.md: at most 30 days of stored answers.
  IDEMPOTENCY_TTL_SECONDS: wholeNumber('IDEMPOTENCY_TTL_SECONDS', '86400', 1, 2_592_000),
});

export type Config = Omit<z.output<typeof ConfigSchema>, 'EVENTS_SOURCE'> & { EVENTS_SOURCE: string };

export class ConfigError extends Error {
  constructor(readonly variables: Record<string, string>) {
    super(`invalid configuration: ${Object.keys(variables).join(', ')}`);
  }
}

const parsed = new WeakMap<object, Config | ConfigError>();

/** Parses the vars once per env object (the runtime reuses it across requests of an isolate). */
export function loadConfig(env: Env): Config {
  let result = parsed.get(env);
  if (!result) {
    const outcome = ConfigSchema.safeParse(env);
    result = outcome.success
      ? { ...outcome.data, EVENTS_SOURCE: outcome.data.EVENTS_SOURCE ?? outcome.data.LMS_ROOT_URL }
      : new ConfigError(Object.fromEntries(outcome.error.issues.map((i) => [String(i.path[0]), i.message])));
    parsed.set(env, result);
  }
  if (result instanceof ConfigError) throw result;
  return result;
}
