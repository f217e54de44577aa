import { describe, expect, it } from 'vitest';
import { loadOperations } from '../hardening/support/openapi';
import { createCourse, createUser, type Scope, snapshot, userByUsername } from '../helpers/fixtures';
import { dbQueries, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader, tokenFor } from '../helpers/tokens';
import {
  APP_ORIGIN,
  browserEnv,
  browserHeaders,
  CSRF,
  cookieHeader,
  FOREIGN_ORIGIN,
  jwtCookies,
  OWN_ORIGIN,
  send,
  TRUSTED_ORIGIN,
} from './support';

// CSRF for cookie-authenticated writes (docs/api/browser-clients.md#csrf): Django's checks in
// Django's order, DRF's 403 body, and nothing written by a refused request.
const ENROLL = '/api/enrollment/v1/enrollment';
const failed = (reason: string) => ({ detail: `CSRF Failed: ${reason}` });

async function setup() {
  const course = await createCourse({ modes: [{ slug: 'audit' }] });
  const user = await createUser();
  const scope: Scope = { courseIds: [course.id], userIds: [user.id] };
  return { course, user, scope };
}

const post = (headers: Record<string, string>, courseId: string) =>
  send(ENROLL, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ course_details: { course_id: courseId } }),
  });

/** The browser's headers with the cookie string rebuilt from parts (to drop or change one). */
async function withCookies(username: string, csrfCookie: string | null, extra: Record<string, string>) {
  const cookies: Record<string, string> = jwtCookies(await tokenFor(username));
  if (csrfCookie !== null) cookies.csrftoken = csrfCookie;
  return { 'USE-JWT-COOKIE': 'true', Cookie: cookieHeader(cookies), ...extra };
}

describe('CSRF on cookie-authenticated writes', () => {
  it('passes with the token pair from an allowed, a trusted, the own or no origin', async () => {
    for (const origin of [APP_ORIGIN, TRUSTED_ORIGIN, OWN_ORIGIN, null]) {
      const { course, user } = await setup();
      const headers = await browserHeaders(user.username, { origin });
      await send(ENROLL, { headers }); // the isolate now knows the account (its first sight costs a read)
      const res = await post(headers, course.id);
      expect(res.status, String(origin)).toBe(200);
      expect(res.body).toMatchObject({
        is_active: true,
        user: user.username,
        course_details: { course_id: course.id },
      });
      // The check costs no round trip: the same two as a header JWT (read batch + write batch).
      expect(dbQueries(res.headers)).toBe(2);
    }
  });

  const refusals: [string, (username: string) => Promise<Record<string, string>>, string][] = [
    [
      'a foreign origin (checked first, even without a token)',
      (u) => withCookies(u, null, { Origin: FOREIGN_ORIGIN }),
      `Origin checking failed - ${FOREIGN_ORIGIN} does not match any trusted origins.`,
    ],
    [
      'Origin: null',
      (u) => browserHeaders(u, { origin: 'null' }),
      'Origin checking failed - null does not match any trusted origins.',
    ],
    ['no CSRF cookie', (u) => withCookies(u, null, { 'X-CSRFToken': CSRF }), 'CSRF cookie not set.'],
    [
      'a cookie of 31 characters',
      (u) => withCookies(u, 'a'.repeat(31), { 'X-CSRFToken': 'a'.repeat(31) }),
      'CSRF cookie not set.',
    ],
    [
      'a cookie of 65 characters',
      (u) => withCookies(u, 'a'.repeat(65), { 'X-CSRFToken': 'a'.repeat(65) }),
      'CSRF cookie not set.',
    ],
    [
      'a cookie with a dash',
      (u) => withCookies(u, `${CSRF.slice(1)}-`, { 'X-CSRFToken': `${CSRF.slice(1)}-` }),
      'CSRF cookie not set.',
    ],
    ['no X-CSRFToken', (u) => withCookies(u, CSRF, {}), 'CSRF token missing.'],
    ['an empty X-CSRFToken', (u) => withCookies(u, CSRF, { 'X-CSRFToken': '' }), 'CSRF token missing.'],
    [
      'a wrong X-CSRFToken',
      (u) => withCookies(u, CSRF, { 'X-CSRFToken': `${CSRF.slice(0, -1)}X` }),
      'CSRF token incorrect.',
    ],
    [
      'a shorter X-CSRFToken',
      (u) => withCookies(u, CSRF, { 'X-CSRFToken': CSRF.slice(0, 40) }),
      'CSRF token incorrect.',
    ],
  ];
  for (const [name, headersOf, reason] of refusals) {
    it(`403 for ${name}, nothing written`, async () => {
      const { course, user, scope } = await setup();
      const before = await snapshot(scope);
      const res = await post(await headersOf(user.username), course.id);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(failed(reason));
      expect(res.headers.get('Content-Type')).toBe('application/json');
      expect(await snapshot(scope)).toBe(before);
    });
  }

  it('a refused write is not counted by the throttle: it runs before it', async () => {
    const { course, user } = await setup();
    const scenario = browserEnv({ RATE_LIMIT_ENABLED: 'true', THROTTLE_USER_RATE: '1/hour' });
    const init = (headers: Record<string, string>) => ({
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ course_details: { course_id: course.id } }),
    });
    for (let i = 0; i < 3; i++) {
      const refused = await send(ENROLL, init(await withCookies(user.username, CSRF, {})), scenario);
      expect(refused.status).toBe(403);
    }
    const accepted = await send(ENROLL, init(await browserHeaders(user.username)), scenario);
    expect(accepted.status).toBe(200);
    const throttled = await send(ENROLL, init(await browserHeaders(user.username)), scenario);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('Access-Control-Allow-Origin')).toBe(APP_ORIGIN);
  });

  it('a refused first call of a new learner creates no account', async () => {
    const { course } = await setup();
    const username = unique('csrfnew');
    const res = await post(await withCookies(username, CSRF, {}), course.id);
    expect(res.body).toEqual(failed('CSRF token missing.'));
    expect(await userByUsername(username)).toBeUndefined();
    expect(dbQueries(res.headers)).toBe(0);
  });

  it('a bad token in the cookies is still a 401, before any CSRF check', async () => {
    const { course } = await setup();
    const cookies = cookieHeader({ ...jwtCookies('not.a.token'), csrftoken: CSRF });
    const res = await post({ 'USE-JWT-COOKIE': 'true', Cookie: cookies, Origin: FOREIGN_ORIGIN }, course.id);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Error decoding signature.' });
  });

  it('a JWT in Authorization, the API key, and the API key beside the cookies need no CSRF token', async () => {
    const { course, user } = await setup();
    const foreign = { Origin: FOREIGN_ORIGIN };
    expect((await post({ ...(await jwtHeader(user.username)), ...foreign }, course.id)).status).toBe(200);
    const other = await setup();
    const keyed = await send(ENROLL, {
      method: 'POST',
      headers: { ...apiKeyHeader, ...foreign, 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: other.user.username, course_details: { course_id: other.course.id } }),
    });
    expect(keyed.status).toBe(200);
    const third = await setup();
    const cookiesAndKey = await post(
      { ...(await withCookies(third.user.username, null, foreign)), ...apiKeyHeader },
      third.course.id,
    );
    expect(cookiesAndKey.status).toBe(200);
  });

  it('safe methods need no token', async () => {
    const { user } = await setup();
    const headers = await withCookies(user.username, null, { Origin: FOREIGN_ORIGIN });
    expect((await send(ENROLL, { headers })).status).toBe(200);
    expect((await send(ENROLL, { method: 'HEAD', headers })).status).toBe(200);
  });

  it('reads the cookie CSRF_COOKIE_NAME names', async () => {
    const { course, user } = await setup();
    const scenario = browserEnv({ CSRF_COOKIE_NAME: 'lms_csrftoken' });
    const cookies = cookieHeader({ ...jwtCookies(await tokenFor(user.username)), lms_csrftoken: CSRF });
    const init = (cookie: string) => ({
      method: 'POST',
      headers: { 'USE-JWT-COOKIE': 'true', Cookie: cookie, 'X-CSRFToken': CSRF, 'Content-Type': 'application/json' },
      body: JSON.stringify({ course_details: { course_id: course.id } }),
    });
    const standard = cookieHeader({ ...jwtCookies(await tokenFor(user.username)), csrftoken: CSRF });
    expect((await send(ENROLL, init(standard), scenario)).body).toEqual(failed('CSRF cookie not set.'));
    expect((await send(ENROLL, init(cookies), scenario)).status).toBe(200);
  });

  it('every documented write that accepts the cookies refuses them without a token, before anything else', async () => {
    const { operations } = await loadOperations();
    const writes = operations.filter(
      (op) => op.method !== 'GET' && op.security.some((requirement) => 'JwtCookie' in requirement),
    );
    expect(writes.length).toBeGreaterThan(15);
    const headers = await withCookies(unique('everywrite'), CSRF, { 'Content-Type': 'application/json' });
    for (const op of writes) {
      const path = op.path.replace('{course_id}', 'course-v1:CsrfX+C+1').replace(/\{[^}]+\}/g, 'x');
      const res = await send(path, { method: op.method, headers, body: '{}' });
      expect({ op: op.key, status: res.status, body: res.body }).toEqual({
        op: op.key,
        status: 403,
        body: failed('CSRF token missing.'),
      });
    }
  });
});
