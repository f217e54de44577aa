import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

/** loadConfig only reads string vars; a plain object stands in for the Worker's env. */
const config = (vars: Record<string, string | undefined> = {}) => loadConfig(vars as unknown as Env);

function configError(vars: Record<string, string>): ConfigError {
  try {
    config(vars);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(vars)}`);
}

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    expect(config()).toEqual({
      JWT_SECRET_KEY: null,
      JWT_PUBLIC_SIGNING_JWK_SET: null,
      JWT_ISSUER: 'http://localhost:18000/oauth2',
      JWT_AUDIENCE: 'lms-key',
      EDX_API_KEY: null,
      RATE_LIMIT_ENABLED: true,
      THROTTLE_USER_RATE: { limit: 40, windowSeconds: 60 },
      THROTTLE_STAFF_RATE: { limit: 120, windowSeconds: 60 },
      ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT: 60,
      LMS_ROOT_URL: 'http://localhost:18000',
      RETIREMENT_SERVICE_WORKER_USERNAME: 'retirement_service_worker',
      ENABLE_ENROLLMENT_RESET: false,
      TRUST_COUNTRY_HEADER: false,
      CORS_ORIGIN_WHITELIST: new Set(),
      CSRF_TRUSTED_ORIGINS: new Set(),
      JWT_AUTH_COOKIE_HEADER_PAYLOAD: 'edx-jwt-cookie-header-payload',
      JWT_AUTH_COOKIE_SIGNATURE: 'edx-jwt-cookie-signature',
      CSRF_COOKIE_NAME: 'csrftoken',
      EVENTS_SOURCE: 'http://localhost:18000',
      EVENTS_RETENTION_DAYS: 30,
      WEBHOOK_ALLOW_HTTP: false,
      WEBHOOK_TIMEOUT_SECONDS: 10,
      WEBHOOK_BACKOFF_SECONDS: 30,
      WEBHOOK_MAX_ATTEMPTS: 8,
      BULK_JOB_MAX_PAIRS: 1_000_000,
      BULK_JOB_CHUNK: 1000,
      IDEMPOTENCY_TTL_SECONDS: 86400,
    });
  });

  it('reads the bulk job settings and refuses values outside their bounds, by name (docs/api/bulk-jobs.md#limits)', () => {
    const c = config({ BULK_JOB_MAX_PAIRS: '50000', BULK_JOB_CHUNK: '250' });
    expect([c.BULK_JOB_MAX_PAIRS, c.BULK_JOB_CHUNK]).toEqual([50_000, 250]);
    const error = configError({ BULK_JOB_MAX_PAIRS: 'many', BULK_JOB_CHUNK: '10001' });
    expect(error.variables).toEqual({
      BULK_JOB_MAX_PAIRS: 'BULK_JOB_MAX_PAIRS must be a whole number',
      BULK_JOB_CHUNK: 'BULK_JOB_CHUNK must be at most 10000',
    });
    expect(configError({ BULK_JOB_CHUNK: '0' }).variables).toEqual({
      BULK_JOB_CHUNK: 'BULK_JOB_CHUNK must be at least 1',
    });
  });

  it('reads IDEMPOTENCY_TTL_SECONDS and names it when it is not 1..2592000 seconds (docs/api/idempotency.md)', () => {
    expect(config({ IDEMPOTENCY_TTL_SECONDS: '600' }).IDEMPOTENCY_TTL_SECONDS).toBe(600);
    for (const bad of ['0', '-5', '1.5', 'a day', '2592001']) {
      expect(Object.keys(configError({ IDEMPOTENCY_TTL_SECONDS: bad }).variables)).toEqual(['IDEMPOTENCY_TTL_SECONDS']);
    }
  });

  it('takes the events source from LMS_ROOT_URL unless EVENTS_SOURCE is set (docs/events.md#configuration)', () => {
    expect(config({ LMS_ROOT_URL: 'https://lms.example.com/' }).EVENTS_SOURCE).toBe('https://lms.example.com');
    expect(config({ EVENTS_SOURCE: 'https://events.example.com/edge' }).EVENTS_SOURCE).toBe(
      'https://events.example.com/edge',
    );
  });

  it('reads the webhook settings and refuses values outside their bounds, by name', () => {
    const c = config({ WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_MAX_ATTEMPTS: '20', EVENTS_RETENTION_DAYS: '7' });
    expect([c.WEBHOOK_ALLOW_HTTP, c.WEBHOOK_MAX_ATTEMPTS, c.EVENTS_RETENTION_DAYS]).toEqual([true, 20, 7]);
    const error = configError({
      EVENTS_SOURCE: 'not a url',
      EVENTS_RETENTION_DAYS: '0',
      WEBHOOK_TIMEOUT_SECONDS: 'ten',
      WEBHOOK_BACKOFF_SECONDS: '21601',
      WEBHOOK_MAX_ATTEMPTS: '21',
    });
    expect(Object.keys(error.variables).sort()).toEqual([
      'EVENTS_RETENTION_DAYS',
      'EVENTS_SOURCE',
      'WEBHOOK_BACKOFF_SECONDS',
      'WEBHOOK_MAX_ATTEMPTS',
      'WEBHOOK_TIMEOUT_SECONDS',
    ]);
  });

  it('treats empty strings as unset', () => {
    const c = config({ JWT_SECRET_KEY: '', EDX_API_KEY: '', RATE_LIMIT_ENABLED: '', THROTTLE_USER_RATE: '' });
    expect(c.JWT_SECRET_KEY).toBeNull();
    expect(c.EDX_API_KEY).toBeNull();
    expect(c.RATE_LIMIT_ENABLED).toBe(true);
    expect(c.THROTTLE_USER_RATE).toEqual({ limit: 40, windowSeconds: 60 });
  });

  it('reads set values', () => {
    const jwks = { keys: [{ kty: 'RSA', kid: 'k1', n: 'abc', e: 'AQAB' }] };
    const c = config({
      JWT_SECRET_KEY: 's3cret',
      JWT_PUBLIC_SIGNING_JWK_SET: JSON.stringify(jwks),
      EDX_API_KEY: 'key',
      RATE_LIMIT_ENABLED: 'FALSE',
      THROTTLE_USER_RATE: '3/second',
      THROTTLE_STAFF_RATE: '1000/day',
      ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT: '0',
      LMS_ROOT_URL: 'https://lms.example.com/',
      ENABLE_ENROLLMENT_RESET: 'true',
      TRUST_COUNTRY_HEADER: '1',
    });
    expect(c.JWT_SECRET_KEY).toBe('s3cret');
    expect(c.JWT_PUBLIC_SIGNING_JWK_SET).toEqual(jwks);
    expect(c.EDX_API_KEY).toBe('key');
    expect(c.RATE_LIMIT_ENABLED).toBe(false);
    expect(c.THROTTLE_USER_RATE).toEqual({ limit: 3, windowSeconds: 1 });
    expect(c.THROTTLE_STAFF_RATE).toEqual({ limit: 1000, windowSeconds: 86400 });
    expect(c.ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT).toBe(0);
    expect(c.LMS_ROOT_URL).toBe('https://lms.example.com'); // trailing slash dropped
    expect(c.ENABLE_ENROLLMENT_RESET).toBe(true);
    expect(c.TRUST_COUNTRY_HEADER).toBe(true);
  });

  it.each([
    ['RATE_LIMIT_ENABLED', 'yes please'],
    ['ENABLE_ENROLLMENT_RESET', 'maybe'],
    ['TRUST_COUNTRY_HEADER', '2'],
    ['THROTTLE_USER_RATE', '40/min'],
    ['THROTTLE_USER_RATE', '0/minute'],
    ['THROTTLE_STAFF_RATE', 'fast'],
    ['ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT', '-1'],
    ['ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT', '1.5'],
    ['ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT', 'sixty'],
    ['LMS_ROOT_URL', 'not a url'],
    ['LMS_ROOT_URL', 'localhost:18000'],
    ['LMS_ROOT_URL', 'ftp://lms.example.com'],
    ['JWT_PUBLIC_SIGNING_JWK_SET', '{not json'],
    ['JWT_PUBLIC_SIGNING_JWK_SET', '{"keys": "nope"}'],
    ['JWT_PUBLIC_SIGNING_JWK_SET', '[{"kty": "RSA"}]'],
    ['JWT_PUBLIC_SIGNING_JWK_SET', '{"keys": [1]}'],
  ])('refuses %s=%j with a ConfigError naming it', (name, value) => {
    const error = configError({ [name]: value });
    expect(Object.keys(error.variables)).toEqual([name]);
    expect(error.message).toContain(name);
    expect(error.variables[name]).toEqual(expect.any(String));
  });

  it('names every bad variable at once', () => {
    const error = configError({ RATE_LIMIT_ENABLED: 'x', THROTTLE_STAFF_RATE: 'y', LMS_ROOT_URL: 'z' });
    expect(Object.keys(error.variables).sort()).toEqual(['LMS_ROOT_URL', 'RATE_LIMIT_ENABLED', 'THROTTLE_STAFF_RATE']);
  });

  it('parses once per env object, and keeps failing for a bad one', () => {
    const env = { THROTTLE_USER_RATE: '7/minute' } as unknown as Env;
    expect(loadConfig(env)).toBe(loadConfig(env));
    const bad = { RATE_LIMIT_ENABLED: 'nope' } as unknown as Env;
    expect(() => loadConfig(bad)).toThrow(ConfigError);
    expect(() => loadConfig(bad)).toThrow(ConfigError);
  });
});
