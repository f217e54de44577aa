import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader, TEST_API_KEY, tokenFor } from '../helpers/tokens';

// Authentication as the HTTP surface sees it (docs/api/conventions.md#authentication), through
// E6 `GET /api/enrollment/v1/roles/` (detail style) and `GET /api/admin/v1/users/{username}`
// (service style: API key or global staff).
const ROLES = '/api/enrollment/v1/roles/';
const adminUser = (username: string) => `/api/admin/v1/users/${username}`;
const WWW_AUTHENTICATE = 'JWT realm="api"';

const storedUser = (username: string) =>
  env.DB.prepare('SELECT username, email, is_staff FROM users WHERE username = ?')
    .bind(username)
    .first<{ username: string; email: string; is_staff: number }>();

describe('Authorization header', () => {
  it.each(['JWT', 'Bearer', 'jwt', 'bearer'])('accepts the %s prefix', async (prefix) => {
    const username = unique('prefix');
    const res = await call(ROLES, { headers: { Authorization: `${prefix} ${await tokenFor(username)}` } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ roles: [], is_staff: false });
  });

  it('no credentials → 401 with WWW-Authenticate', async () => {
    const res = await call(ROLES);
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe(WWW_AUTHENTICATE);
    expect(res.body).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  it.each([
    ['garbage', 'JWT not-a-token'],
    ['empty token', 'JWT '],
    ['two tokens', 'JWT a.b.c d.e.f'],
  ])('a bad token (%s) → 401 with WWW-Authenticate', async (_, authorization) => {
    const res = await call(ROLES, { headers: { Authorization: authorization } });
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe(WWW_AUTHENTICATE);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.body).toEqual({ detail: expect.any(String) });
  });

  it('an expired token → 401 "Signature has expired."', async () => {
    const token = await tokenFor(unique('expired'), { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const res = await call(ROLES, { headers: { Authorization: `JWT ${token}` } });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Signature has expired.' });
  });

  it('a token signed with another secret → 401, on the admin API in its own error style', async () => {
    const token = await tokenFor(unique('forged'), { administrator: true, secret: 'guessed-secret' });
    const res = await call(adminUser('anyone'), { headers: { Authorization: `JWT ${token}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe(WWW_AUTHENTICATE);
    expect(res.body).toMatchObject({ error_code: 'not_authenticated', developer_message: expect.any(String) });
  });

  it('a bad token stays 401 even with a valid API key', async () => {
    const bad = { Authorization: 'JWT not-a-token', ...apiKeyHeader };
    expect((await call(ROLES, { headers: bad })).status).toBe(401);
    expect((await call(adminUser('anyone'), { headers: bad })).status).toBe(401);
  });

  it('a refused token creates no user', async () => {
    const username = unique('refused');
    const token = await tokenFor(username, { audience: 'someone-else' });
    expect((await call(ROLES, { headers: { Authorization: `JWT ${token}` } })).status).toBe(401);
    expect(await storedUser(username)).toBeNull();
  });
});

describe('X-Edx-Api-Key', () => {
  it('the right key is a trusted caller on the admin API', async () => {
    const username = unique('keyed');
    await call(ROLES, { headers: await jwtHeader(username) });
    const res = await call(adminUser(username), { headers: apiKeyHeader });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ username });
  });

  it('a key wrong by one character is not accepted', async () => {
    const wrong = `${TEST_API_KEY.slice(0, -1)}${TEST_API_KEY.endsWith('x') ? 'y' : 'x'}`;
    const roles = await call(ROLES, { headers: { 'X-Edx-Api-Key': wrong } });
    expect(roles.status).toBe(401);
    expect(roles.body).toEqual({ detail: 'Authentication credentials were not provided.' });
    expect((await call(adminUser('anyone'), { headers: { 'X-Edx-Api-Key': wrong } })).status).toBe(401);
    // (Surrounding whitespace is not part of a header value in HTTP, so it is not tried here.)
    for (const near of [TEST_API_KEY.slice(0, -1), `${TEST_API_KEY}x`, TEST_API_KEY.toUpperCase()]) {
      expect((await call(adminUser('anyone'), { headers: { 'X-Edx-Api-Key': near } })).status, near).toBe(401);
    }
  });

  it('the key in the query string does not count', async () => {
    for (const query of [`X-Edx-Api-Key=${TEST_API_KEY}`, `x_edx_api_key=${TEST_API_KEY}`, `api_key=${TEST_API_KEY}`]) {
      expect((await call(`${adminUser('anyone')}?${query}`)).status, query).toBe(401);
      expect((await call(`${ROLES}?${query}`)).status, query).toBe(401);
    }
  });

  it('the key in the Authorization header does not count', async () => {
    const res = await call(adminUser('anyone'), { headers: { Authorization: `Bearer ${TEST_API_KEY}` } });
    expect(res.status).toBe(401);
  });
});

describe('admin API access', () => {
  it('global staff JWT: allowed; learner JWT: 403; restricted application with administrator: 403', async () => {
    const target = unique('target');
    await call(ROLES, { headers: await jwtHeader(target) });
    expect(
      (await call(adminUser(target), { headers: await jwtHeader(unique('admin'), { administrator: true }) })).status,
    ).toBe(200);

    const learner = await call(adminUser(target), { headers: await jwtHeader(unique('learner')) });
    expect(learner.status).toBe(403);
    expect(learner.headers.get('WWW-Authenticate')).toBeNull();

    const restricted = await jwtHeader(unique('app'), { administrator: true, isRestricted: true });
    expect((await call(adminUser(target), { headers: restricted })).status).toBe(403);
  });
});

describe('just-in-time users', () => {
  it('the first verified JWT creates the user from its claims', async () => {
    const username = unique('jit');
    expect(await storedUser(username)).toBeNull();
    const res = await call(ROLES, { headers: await jwtHeader(username, { email: `${username}@first.example` }) });
    expect(res.status).toBe(200);
    expect(await storedUser(username)).toEqual({ username, email: `${username}@first.example`, is_staff: 0 });
  });

  it('a later JWT keeps e-mail and staff flag in step', async () => {
    const username = unique('step');
    await call(ROLES, { headers: await jwtHeader(username, { email: `${username}@old.example` }) });

    const promoted = await call(ROLES, {
      headers: await jwtHeader(username, { email: `${username}@new.example`, administrator: true }),
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body.is_staff).toBe(true);
    expect(await storedUser(username)).toEqual({ username, email: `${username}@new.example`, is_staff: 1 });

    // Now global staff, the user may read itself through the admin API.
    const self = await call(adminUser(username), {
      headers: await jwtHeader(username, { email: `${username}@new.example`, administrator: true }),
    });
    expect(self.status).toBe(200);
    expect(self.body).toMatchObject({ username, email: `${username}@new.example`, is_staff: true });

    const demoted = await call(ROLES, { headers: await jwtHeader(username, { email: `${username}@new.example` }) });
    expect(demoted.body.is_staff).toBe(false);
    expect(await storedUser(username)).toMatchObject({ is_staff: 0 });
  });

  it('a token without e-mail keeps the stored address', async () => {
    const username = unique('noemail');
    await call(ROLES, { headers: await jwtHeader(username, { email: `${username}@kept.example` }) });
    const token = await tokenFor(username, { claims: { email: undefined } });
    expect((await call(ROLES, { headers: { Authorization: `JWT ${token}` } })).status).toBe(200);
    expect(await storedUser(username)).toMatchObject({ email: `${username}@kept.example` });
  });

  it('concurrent first requests create one user', async () => {
    const username = unique('race');
    const headers = await jwtHeader(username);
    const results = await Promise.all(Array.from({ length: 5 }, () => call(ROLES, { headers })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const count = await env.DB.prepare('SELECT COUNT(*) AS n FROM users WHERE username = ?').bind(username).first('n');
    expect(count).toBe(1);
  });
});
