import { parseRate, type Rate } from './lib/rate';

/**
 * Configuration (docs/configuration.md#variables), parsed once per `env` object. A bad value is a
 * 500 naming the variable, never a silent default. Plain functions, not a schema library: the
 * first request of every new isolate parses it, and a schema's first parse costs milliseconds of
 * warm-up there (docs/operations.md#start-up).
 */
export interface Config {
  JWT_SECRET_KEY: string | null;
  JWT_PUBLIC_SIGNING_JWK_SET: { keys: JsonWebKey[] } | null;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  EDX_API_KEY: string | null;
  RATE_LIMIT_ENABLED: boolean;
  THROTTLE_USER_RATE: Rate;
  THROTTLE_STAFF_RATE: Rate;
  ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT: number;
  LMS_ROOT_URL: string;
  RETIREMENT_SERVICE_WORKER_USERNAME: string;
  ENABLE_ENROLLMENT_RESET: boolean;
  TRUST_COUNTRY_HEADER: boolean;
  CORS_ORIGIN_WHITELIST: ReadonlySet<string>;
  CSRF_TRUSTED_ORIGINS: ReadonlySet<string>;
  JWT_AUTH_COOKIE_HEADER_PAYLOAD: string;
  JWT_AUTH_COOKIE_SIGNATURE: string;
  CSRF_COOKIE_NAME: string;
  EVENTS_SOURCE: string;
  EVENTS_RETENTION_DAYS: number;
  WEBHOOK_ALLOW_HTTP: boolean;
  WEBHOOK_TIMEOUT_SECONDS: number;
  WEBHOOK_BACKOFF_SECONDS: number;
  WEBHOOK_MAX_ATTEMPTS: number;
  BULK_JOB_MAX_PAIRS: number;
  BULK_JOB_CHUNK: number;
  IDEMPOTENCY_TTL_SECONDS: number;
}

/** A variable's refusal: the message that names it. */
class Refused {
  constructor(readonly message: string) {}
}

/** One variable: its raw value (unset and empty alike are '') to its setting, or a refusal. */
type Reader<T> = (value: string, name: string) => T | Refused;

const text =
  (fallback: string): Reader<string> =>
  (v) =>
    v || fallback;

const secret: Reader<string | null> = (v) => v || null;

const bool =
  (fallback: boolean): Reader<boolean> =>
  (value, name) => {
    if (value === '') return fallback;
    const v = value.trim().toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    return new Refused(`${name} must be true or false`);
  };

const rate =
  (fallback: string): Reader<Rate> =>
  (value, name) =>
    parseRate(value || fallback) ?? new Refused(`${name} must look like N/second|minute|hour|day`);

const jwkSet: Reader<{ keys: JsonWebKey[] } | null> = (value) => {
  if (!value) return null;
  try {
    const keys = (JSON.parse(value) as { keys?: unknown } | null)?.keys;
    if (Array.isArray(keys) && keys.every((k) => typeof k === 'object' && k !== null)) {
      return { keys: keys as JsonWebKey[] };
    }
  } catch {
    // refused below
  }
  return new Refused('JWT_PUBLIC_SIGNING_JWK_SET must be a JSON JWK set ({"keys": [...]})');
};

/** An http(s) URL as given, trimmed, without tab or newline characters (as the URL parser reads it). */
function httpUrl(value: string): string | null {
  const trimmed = value.trim();
  const parsed = URL.canParse(trimmed) ? new URL(trimmed) : null;
  return parsed && /^https?:$/.test(parsed.protocol) ? trimmed.replace(/[\t\n\r]/g, '') : null;
}

// http(s) only: `new URL('localhost:18000')` succeeds with protocol `localhost:`, which would
// silently produce unusable links.
const url =
  (fallback: string): Reader<string> =>
  (value, name) =>
    httpUrl(value || fallback)?.replace(/\/+$/, '') ?? new Refused(`${name} must be an http(s) URL`);

const optionalUrl: Reader<string | undefined> = (value, name) =>
  value === '' ? undefined : (httpUrl(value) ?? new Refused(`${name} must be an http(s) URL`));

const wholeNumber =
  (fallback: string, min: number, max: number, what = 'a whole number'): Reader<number> =>
  (value, name) => {
    const v = value || fallback;
    if (!/^\d{1,9}$/.test(v)) return new Refused(`${name} must be ${what}`);
    const n = Number(v);
    if (n < min) return new Refused(`${name} must be at least ${min}`);
    if (n > max) return new Refused(`${name} must be at most ${max}`);
    return n;
  };

/**
 * Comma-separated origins (`scheme://host[:port]`, as browsers send `Origin`), compared exactly;
 * anything else (a path, `*`, a bare host) names the variable.
 */
const originList: Reader<ReadonlySet<string>> = (value, name) => {
  const origins = new Set<string>();
  for (const entry of value.split(',')) {
    const candidate = entry.trim().replace(/\/$/, '').toLowerCase();
    if (!candidate) continue;
    const origin = URL.canParse(candidate) ? new URL(candidate).origin : '';
    if (origin !== candidate || !/^https?:/.test(origin)) {
      return new Refused(`${name} must list http(s) origins such as https://apps.example.com`);
    }
    origins.add(origin);
  }
  return origins;
};

// RFC 6265 cookie-name (an HTTP token).
const cookieName =
  (fallback: string): Reader<string> =>
  (value, name) => {
    const v = value || fallback;
    return /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/.test(v) ? v : new Refused(`${name} must be a cookie name`);
  };

const READERS: { [K in keyof Config]: Reader<K extends 'EVENTS_SOURCE' ? string | undefined : Config[K]> } = {
  JWT_SECRET_KEY: secret,
  JWT_PUBLIC_SIGNING_JWK_SET: jwkSet,
  JWT_ISSUER: text('http://localhost:18000/oauth2'),
  JWT_AUDIENCE: text('lms-key'),
  EDX_API_KEY: secret,
  RATE_LIMIT_ENABLED: bool(true),
  THROTTLE_USER_RATE: rate('40/minute'),
  THROTTLE_STAFF_RATE: rate('120/minute'),
  ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT: wholeNumber('60', 0, 999_999_999, 'a whole number of seconds'),
  LMS_ROOT_URL: url('http://localhost:18000'),
  RETIREMENT_SERVICE_WORKER_USERNAME: text('retirement_service_worker'),
  ENABLE_ENROLLMENT_RESET: bool(false),
  TRUST_COUNTRY_HEADER: bool(false),
  // Browser clients (docs/api/browser-clients.md).
  CORS_ORIGIN_WHITELIST: originList,
  CSRF_TRUSTED_ORIGINS: originList,
  JWT_AUTH_COOKIE_HEADER_PAYLOAD: cookieName('edx-jwt-cookie-header-payload'),
  JWT_AUTH_COOKIE_SIGNATURE: cookieName('edx-jwt-cookie-signature'),
  CSRF_COOKIE_NAME: cookieName('csrftoken'),
  // Events (docs/events.md#configuration). EVENTS_SOURCE defaults to LMS_ROOT_URL, resolved below.
  EVENTS_SOURCE: optionalUrl,
  EVENTS_RETENTION_DAYS: wholeNumber('30', 1, 3650),
  WEBHOOK_ALLOW_HTTP: bool(false),
  WEBHOOK_TIMEOUT_SECONDS: wholeNumber('10', 1, 120),
  WEBHOOK_BACKOFF_SECONDS: wholeNumber('30', 1, 21600),
  // The queue retries a message at most max_retries (20, wrangler.toml) times.
  WEBHOOK_MAX_ATTEMPTS: wholeNumber('8', 1, 20),
  // Bulk jobs (docs/configuration.md#variables). A chunk's writes are one D1 batch; the sync
  // endpoint's 10,000 pairs per batch is the measured ceiling.
  BULK_JOB_MAX_PAIRS: wholeNumber('1000000', 1, 100_000_000),
  BULK_JOB_CHUNK: wholeNumber('1000', 1, 10_000),
  // docs/api/idempotency.md: at most 30 days of stored answers.
  IDEMPOTENCY_TTL_SECONDS: wholeNumber('86400', 1, 2_592_000),
};

export class ConfigError extends Error {
  constructor(readonly variables: Record<string, string>) {
    super(`invalid configuration: ${Object.keys(variables).join(', ')}`);
  }
}

/** Every variable read, every refusal collected (so one error names them all). */
function parseConfig(env: Record<string, unknown>): Config | ConfigError {
  const config: Record<string, unknown> = {};
  const refused: Record<string, string> = {};
  for (const [name, read] of Object.entries(READERS) as [string, Reader<unknown>][]) {
    const raw = env[name];
    const value = raw === undefined ? '' : raw;
    const setting = typeof value === 'string' ? read(value, name) : new Refused(`${name} must be a string`);
    if (setting instanceof Refused) refused[name] = setting.message;
    else config[name] = setting;
  }
  if (Object.keys(refused).length > 0) return new ConfigError(refused);
  const parsed = config as unknown as Config;
  return { ...parsed, EVENTS_SOURCE: parsed.EVENTS_SOURCE ?? parsed.LMS_ROOT_URL };
}

const parsed = new WeakMap<object, Config | ConfigError>();

/** Parses the vars once per env object (the runtime reuses it across requests of an isolate). */
export function loadConfig(env: Env): Config {
  let result = parsed.get(env);
  if (!result) {
    result = parseConfig(env as unknown as Record<string, unknown>);
    parsed.set(env, result);
  }
  if (result instanceof ConfigError) throw result;
  return result;
}
