import { describe, expect, it } from 'vitest';
import { loadOperations } from '../hardening/support/openapi';
import { dbQueries } from '../helpers/request';
import { apiKeyHeader, jwtHeader, tokenFor } from '../helpers/tokens';
import { APP_ORIGIN, browserEnv, cookieHeader, FOREIGN_ORIGIN, jwtCookies, send } from './support';

// CORS for CORS_ORIGIN_WHITELIST origins (docs/api/browser-clients.md#cors).
const ROLES = '/api/enrollment/v1/roles/';
const EXPOSED = [
  'X-Request-Id',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'x-d1-bookmark',
  'Idempotent-Replayed',
];
const REQUEST_HEADERS = [
  'Authorization',
  'Content-Type',
  'USE-JWT-COOKIE',
  'X-CSRFToken',
  'Idempotency-Key',
  'x-d1-bookmark',
];
const list = (value: string | null) => (value ?? '').split(',').map((item) => item.trim().toLowerCase());

function expectCors(headers: Headers, origin = APP_ORIGIN) {
  expect(headers.get('Access-Control-Allow-Origin')).toBe(origin);
  expect(headers.get('Access-Control-Allow-Credentials')).toBe('true');
  expect(list(headers.get('Vary'))).toContain('origin');
  expect(list(headers.get('Access-Control-Expose-Headers'))).toEqual(
    expect.arrayContaining(EXPOSED.map((h) => h.toLowerCase())),
  );
}

const accessControl = (headers: Headers) => [...headers.keys()].filter((name) => name.startsWith('access-control-'));

const preflight = (path: string, origin = APP_ORIGIN, method = 'POST') =>
  send(path, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': method,
      'Access-Control-Request-Headers': 'content-type,x-csrftoken',
    },
  });

describe('CORS', () => {
  it('an allowed origin gets the CORS headers on a normal answer', async () => {
    const res = await send(ROLES, { headers: { Origin: APP_ORIGIN, ...(await jwtHeader('corsuser')) } });
    expect(res.status).toBe(200);
    expectCors(res.headers);
    const other = await send(ROLES, { headers: { Origin: 'http://localhost:2000', ...apiKeyHeader } });
    expectCors(other.headers, 'http://localhost:2000');
  });

  it('another origin, or none, gets no Access-Control-* header (and Vary: Origin)', async () => {
    for (const headers of [
      { Origin: FOREIGN_ORIGIN },
      { Origin: `${APP_ORIGIN}:8080` },
      { Origin: 'null' },
      {},
    ] as Record<string, string>[]) {
      const res = await send(ROLES, { headers: { ...headers, ...(await jwtHeader('corsother')) } });
      expect(res.status).toBe(200);
      expect(accessControl(res.headers), JSON.stringify(headers)).toEqual([]);
      expect(list(res.headers.get('Vary'))).toContain('origin');
    }
  });

  it('without a whitelist nothing changes: no CORS headers, preflights 405 as before', async () => {
    const scenario = browserEnv({ CORS_ORIGIN_WHITELIST: '' });
    const res = await send(ROLES, { headers: { Origin: APP_ORIGIN, ...apiKeyHeader } }, scenario);
    expect(accessControl(res.headers)).toEqual([]);
    expect(res.headers.get('Vary')).toBeNull();
    const options = await send(
      ROLES,
      { method: 'OPTIONS', headers: { Origin: APP_ORIGIN, 'Access-Control-Request-Method': 'GET' } },
      scenario,
    );
    expect(options.status).toBe(405);
  });

  it('a preflight is 204 with methods, headers and Max-Age, on any path, before authentication, at no D1 cost', async () => {
    for (const path of [ROLES, '/api/enrollment/v1/enrollment', '/no/such/path', '/csrf/api/v1/token']) {
      const res = await preflight(path);
      expect(res.status, path).toBe(204);
      expect(res.text).toBe('');
      expectCors(res.headers);
      expect(list(res.headers.get('Access-Control-Allow-Methods'))).toEqual([
        'get',
        'post',
        'put',
        'patch',
        'delete',
        'options',
      ]);
      expect(list(res.headers.get('Access-Control-Allow-Headers'))).toEqual(
        expect.arrayContaining(REQUEST_HEADERS.map((h) => h.toLowerCase())),
      );
      expect(res.headers.get('Access-Control-Max-Age')).toBe('86400');
      expect(dbQueries(res.headers)).toBe(0);
      expect(res.headers.get('X-Request-Id')).toBeTruthy();
    }
  });

  it('a preflight is answered on every documented path, for every method', async () => {
    const { operations } = await loadOperations();
    expect(operations.length).toBeGreaterThan(40);
    for (const op of operations) {
      const path = op.path.replace('{course_id}', 'course-v1:CorsX+C+1').replace(/\{[^}]+\}/g, 'x');
      const res = await preflight(path, APP_ORIGIN, op.method);
      expect({ op: op.key, status: res.status }).toEqual({ op: op.key, status: 204 });
      expect(res.headers.get('Access-Control-Allow-Origin'), op.key).toBe(APP_ORIGIN);
    }
  });

  it('a preflight from another origin, or an OPTIONS without Access-Control-Request-Method, answers 405 as before', async () => {
    const foreign = await preflight(ROLES, FOREIGN_ORIGIN);
    expect(foreign.status).toBe(405);
    expect(foreign.body).toMatchObject({ error_code: 'method_not_allowed' });
    expect(accessControl(foreign.headers)).toEqual([]);

    const plain = await send(ROLES, { method: 'OPTIONS', headers: { Origin: APP_ORIGIN } });
    expect(plain.status).toBe(405);
    expect(plain.headers.get('Content-Type')).toBe('application/json');
    expect(plain.headers.get('Allow')).toContain('GET');
    expectCors(plain.headers);
  });

  it('error answers carry the CORS headers: 401, 403, 404, 405, 413, 400, CSRF 403', async () => {
    const origin = { Origin: APP_ORIGIN };
    const cases: [number, Promise<Awaited<ReturnType<typeof send>>>][] = [
      [401, send(ROLES, { headers: origin })],
      [401, send(ROLES, { headers: { ...origin, Authorization: 'JWT not.a.token' } })],
      [403, send('/api/enrollment/v1/enrollments', { headers: { ...origin, ...(await jwtHeader('corslearner')) } })],
      [404, send('/no/such/path', { headers: origin })],
      [405, send(ROLES, { method: 'DELETE', headers: origin })],
      [
        413,
        send('/api/enrollment/v1/enrollment', {
          method: 'POST',
          headers: { ...origin, 'Content-Type': 'application/json' },
          body: `"${'x'.repeat(1024 * 1024 + 1)}"`,
        }),
      ],
      [
        400,
        send('/api/enrollment/v1/enrollment', {
          method: 'POST',
          headers: { ...origin, ...(await jwtHeader('corsbad')), 'Content-Type': 'application/json' },
          body: '{not json',
        }),
      ],
      [
        403,
        send('/api/enrollment/v1/enrollment', {
          method: 'POST',
          headers: {
            ...origin,
            'USE-JWT-COOKIE': 'true',
            Cookie: cookieHeader(jwtCookies(await tokenFor('corscsrf'))),
          },
          body: '{}',
        }),
      ],
    ];
    for (const [status, pending] of cases) {
      const res = await pending;
      expect(res.status).toBe(status);
      expectCors(res.headers);
    }
  });

  it('a whitelist entry that is not an origin is a 500 naming the variable', async () => {
    for (const [name, value] of [
      ['CORS_ORIGIN_WHITELIST', 'https://apps.example.com/path'],
      ['CORS_ORIGIN_WHITELIST', '*'],
      ['CSRF_TRUSTED_ORIGINS', 'apps.example.com'],
      ['CSRF_TRUSTED_ORIGINS', 'ftp://apps.example.com'],
    ]) {
      const res = await send('/health', {}, browserEnv({ [name as string]: value as string }));
      expect(res.status, value).toBe(500);
      expect(Object.keys(res.body.field_errors), value).toEqual([name]);
    }
    // Spaces, an empty entry and a trailing slash are fine.
    const lenient = browserEnv({ CORS_ORIGIN_WHITELIST: ` ${APP_ORIGIN}/ ,, https://b.example.test` });
    expect(
      (await send(ROLES, { headers: { Origin: 'https://b.example.test', ...apiKeyHeader } }, lenient)).headers.get(
        'Access-Control-Allow-Origin',
      ),
    ).toBe('https://b.example.test');
  });
});
