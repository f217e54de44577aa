import { afterEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { signHs256, unsignedToken } from '../helpers/auth-keys';
import { createCourse, createUser, enroll, userByUsername } from '../helpers/fixtures';
import { unique } from '../helpers/request';
import { tokenFor } from '../helpers/tokens';
import { browserEnv, cookieHeader, jwtCookies, type Sent, send } from './support';

// JWT cookie authentication (docs/api/browser-clients.md#cookies): the cookie pair is the same JWT
// as `Authorization: JWT …`, with the same checks, the same 401s and the same auth_error reasons.
const ROLES = '/api/enrollment/v1/roles/';
const ENROLLMENTS = '/api/enrollment/v1/enrollment';
const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' };

let log: MockInstance<typeof console.log> | undefined;
afterEach(() => log?.mockRestore());

/** The answer and the request's log line (its auth_error). */
async function traced(path: string, headers: Record<string, string>, scenario?: Env) {
  log = vi.spyOn(console, 'log');
  const requestId = unique('cookie-auth-');
  const res: Sent = await send(path, { headers: { ...headers, 'X-Request-Id': requestId } }, scenario);
  const line = log.mock.calls
    .map(([text]) => (typeof text === 'string' && text.includes(requestId) ? JSON.parse(text) : null))
    .find((entry) => entry?.requestId === requestId && 'status' in entry);
  log.mockRestore();
  return {
    status: res.status,
    body: res.body,
    auth_error: line?.auth_error,
    wwwAuthenticate: res.headers.get('WWW-Authenticate'),
  };
}

const viaHeader = (token: string) => ({ Authorization: `JWT ${token}` });
const viaCookies = (token: string) => ({ 'USE-JWT-COOKIE': 'true', Cookie: cookieHeader(jwtCookies(token)) });

describe('the JWT cookie pair', () => {
  it('authenticates the same user as the header: same enrollments, same roles', async () => {
    const user = await createUser();
    const course = await createCourse();
    await enroll(user.id, course.id);
    const token = await tokenFor(user.username);
    for (const path of [ENROLLMENTS, ROLES]) {
      const header = await send(path, { headers: viaHeader(token) });
      const cookies = await send(path, { headers: viaCookies(token) });
      expect(header.status, path).toBe(200);
      expect(cookies.status, path).toBe(200);
      expect(cookies.body, path).toEqual(header.body);
    }
    const listed = await send(ENROLLMENTS, { headers: viaCookies(token) });
    expect(listed.body.map((e: { course_details: { course_id: string } }) => e.course_details.course_id)).toEqual([
      course.id,
    ]);
  });

  it('creates the user just in time, as a header JWT does', async () => {
    const username = unique('cookiejit');
    const res = await send(ROLES, {
      headers: viaCookies(await tokenFor(username, { email: `${username}@c.example` })),
    });
    expect(res.status).toBe(200);
    expect(await userByUsername(username)).toMatchObject({ username, email: `${username}@c.example` });
  });

  it('refuses every bad token exactly as the header does: status, body, WWW-Authenticate, auth_error', async () => {
    const tokens: [string, string][] = [
      ['expired', await signHs256('a', { expiresIn: -60 })],
      ['not yet valid', await signHs256('a', { notBefore: 3600 })],
      ['signature', await signHs256('a', { secret: 'another-secret' })],
      ['alg none', `${unsignedToken('a')}c2ln`],
      ['missing username', await signHs256(null)],
      ['aud mismatch', await signHs256('a', { audience: 'someone-else' })],
      ['iss mismatch', await signHs256('a', { issuer: 'https://lms.example.com/oauth2' })],
      ['garbage', 'not.a.token'],
    ];
    const valid = await signHs256('tampered');
    const [head, payload, signature] = valid.split('.');
    const otherPayload = btoa(JSON.stringify({ preferred_username: 'admin', administrator: true })).replace(/=+$/, '');
    tokens.push(['payload tampered', `${head}.${otherPayload}.${signature}`]);
    tokens.push(['signature tampered', `${head}.${payload}.${signature?.slice(0, -2)}AA`]);
    for (const [name, token] of tokens) {
      const header = await traced(ROLES, viaHeader(token));
      const cookies = await traced(ROLES, viaCookies(token));
      expect(header.status, name).toBe(401);
      expect(header.auth_error, name).toBeTruthy();
      expect(cookies, name).toEqual(header);
    }
  });

  it('one cookie alone is no credential: 401 "not provided", auth_error jwt cookie incomplete', async () => {
    const pair = jwtCookies(await tokenFor(unique('half')));
    for (const [name, value] of Object.entries(pair)) {
      const res = await traced(ROLES, { 'USE-JWT-COOKIE': 'true', Cookie: `${name}=${value}` });
      expect(res, name).toMatchObject({ status: 401, body: NOT_PROVIDED, auth_error: 'jwt cookie incomplete' });
    }
  });

  it('without USE-JWT-COOKIE the cookies are ignored: 401 "not provided"', async () => {
    const cookies = cookieHeader(jwtCookies(await tokenFor(unique('nouse'))));
    for (const headers of [{ Cookie: cookies }, { Cookie: cookies, 'USE-JWT-COOKIE': '' }] as Record<
      string,
      string
    >[]) {
      expect(await traced(ROLES, headers)).toMatchObject({
        status: 401,
        body: NOT_PROVIDED,
        auth_error: 'no credentials',
      });
    }
  });

  it('an Authorization header wins: its JWT decides, the cookies are not read', async () => {
    const cookies = viaCookies(await tokenFor(unique('cookieuser')));
    const expired = await signHs256('a', { expiresIn: -60 });
    const res = await traced(ROLES, { ...cookies, Authorization: `JWT ${expired}` });
    expect(res).toMatchObject({ status: 401, body: { detail: 'Signature has expired.' }, auth_error: 'expired' });
    // Not a JWT header at all (Basic): still an Authorization header, so the cookies stay unread.
    expect((await traced(ROLES, { ...cookies, Authorization: 'Basic dXNlcjpwYXNz' })).status).toBe(401);
  });

  it('reads the cookie names JWT_AUTH_COOKIE_HEADER_PAYLOAD and JWT_AUTH_COOKIE_SIGNATURE name', async () => {
    const scenario = browserEnv({
      JWT_AUTH_COOKIE_HEADER_PAYLOAD: 'stage-jwt-hp',
      JWT_AUTH_COOKIE_SIGNATURE: 'stage-jwt-sig',
    });
    const token = await tokenFor(unique('named'));
    const renamed = cookieHeader(jwtCookies(token, { payload: 'stage-jwt-hp', signature: 'stage-jwt-sig' }));
    expect((await send(ROLES, { headers: { 'USE-JWT-COOKIE': 'true', Cookie: renamed } }, scenario)).status).toBe(200);
    expect((await send(ROLES, { headers: viaCookies(token) }, scenario)).status).toBe(401);
  });

  it('a bad cookie name in the configuration is a 500 naming the variable', async () => {
    const res = await send(ROLES, {}, browserEnv({ CSRF_COOKIE_NAME: 'csrf token;' }));
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({
      error_code: 'bad_configuration',
      field_errors: { CSRF_COOKIE_NAME: expect.anything() },
    });
  });
});
