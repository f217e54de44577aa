import { describe, expect, it } from 'vitest';
import {
  BULK,
  bulk,
  bulkSnapshot,
  FORBIDDEN,
  NOT_AUTHENTICATED,
  newEmail,
  staffHeader,
} from '../helpers/bulk-fixtures';
import { createCourse, createUser, grantRole } from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

// docs/api/bulk-enroll.md (endpoint) and #access (authentication and permission).

async function setup() {
  const course = await createCourse();
  const learner = await createUser();
  const email = newEmail();
  const body = { identifiers: `${learner.username},${email}`, courses: course.id, action: 'enroll' };
  const scope = { courseIds: [course.id], userIds: [learner.id], emails: [learner.email, email] };
  return { course, learner, email, body, scope };
}

describe('bulk enroll: who may call (#access)', () => {
  it('anonymous → 401 with WWW-Authenticate, nothing changes', async () => {
    const { body, scope } = await setup();
    const before = await bulkSnapshot(scope);
    const res = await call(BULK, { method: 'POST', json: body });
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe('JWT realm="api"');
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.body).toEqual(NOT_AUTHENTICATED);
    expect(await bulkSnapshot(scope)).toBe(before);
  });

  it('a bad token → 401 with the JWT error detail and WWW-Authenticate', async () => {
    const { body } = await setup();
    const res = await call(BULK, { method: 'POST', json: body, headers: { Authorization: 'JWT not.a.token' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toBe('JWT realm="api"');
    expect(typeof res.body.detail).toBe('string');
  });

  it('an expired staff token → 401', async () => {
    const { body } = await setup();
    const headers = await jwtHeader(unique('gs'), {
      administrator: true,
      expiresIn: Math.floor(Date.now() / 1000) - 60,
    });
    const res = await call(BULK, { method: 'POST', json: body, headers });
    expect(res.status).toBe(401);
  });

  it('the API key alone grants nothing → 401, nothing changes', async () => {
    const { body, scope } = await setup();
    const before = await bulkSnapshot(scope);
    const res = await call(BULK, { method: 'POST', json: body, headers: apiKeyHeader });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(NOT_AUTHENTICATED);
    expect(await bulkSnapshot(scope)).toBe(before);
  });

  it('a learner → 403, also with the API key added', async () => {
    const { body, scope } = await setup();
    const before = await bulkSnapshot(scope);
    const learner = await jwtHeader(unique('l'));
    for (const headers of [learner, { ...learner, ...apiKeyHeader }]) {
      const res = await call(BULK, { method: 'POST', json: body, headers });
      expect(res.status).toBe(403);
      expect(res.headers.get('Content-Type')).toBe('application/json');
      expect(res.body).toEqual(FORBIDDEN);
    }
    expect(await bulkSnapshot(scope)).toBe(before);
  });

  it.each(['staff', 'instructor'] as const)('course %s of the very course → 403', async (role) => {
    const { course, body, scope } = await setup();
    const username = unique('cs');
    const member = await createUser({ username });
    await grantRole(course.id, member.id, role);
    const before = await bulkSnapshot(scope);
    const res = await call(BULK, { method: 'POST', json: body, headers: await jwtHeader(username) });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(FORBIDDEN);
    expect(await bulkSnapshot(scope)).toBe(before);
  });

  it('a superuser who is not staff → 403', async () => {
    const { body } = await setup();
    const username = unique('su');
    await createUser({ username, isSuperuser: true, isStaff: false });
    const res = await call(BULK, { method: 'POST', json: body, headers: await jwtHeader(username) });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(FORBIDDEN);
  });

  it('a restricted application → 403 even with administrator: true', async () => {
    const { body, scope } = await setup();
    const before = await bulkSnapshot(scope);
    const headers = await jwtHeader(unique('ra'), {
      administrator: true,
      isRestricted: true,
      scopes: ['enrollments:read', 'enrollments:write'],
      filters: ['content_org:Org'],
    });
    const res = await call(BULK, { method: 'POST', json: body, headers });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(FORBIDDEN);
    expect(await bulkSnapshot(scope)).toBe(before);
  });

  it('global staff → 200 (JWT and Bearer prefixes)', async () => {
    const { course, learner, email } = await setup();
    const username = unique('gs');
    const jwt = await staffHeader(username);
    const bearer = { Authorization: jwt.Authorization.replace(/^JWT /, 'Bearer ') };
    for (const headers of [jwt, bearer]) {
      const res = await call(BULK, {
        method: 'POST',
        json: { identifiers: `${learner.username},${email}`, courses: course.id, action: 'enroll' },
        headers,
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body.courses[course.id].results).toHaveLength(2);
    }
  });

  it('global staff with an API key too → 200 (the key neither helps nor hurts)', async () => {
    const { body } = await setup();
    const res = await call(BULK, {
      method: 'POST',
      json: body,
      headers: { ...(await staffHeader()), ...apiKeyHeader },
    });
    expect(res.status).toBe(200);
  });

  it('permission comes before body validation: empty body → 401 anonymous, 403 learner', async () => {
    expect((await call(BULK, { method: 'POST', json: {} })).status).toBe(401);
    expect(
      (await call(BULK, { method: 'POST', body: 'not json', headers: { 'Content-Type': 'application/json' } })).status,
    ).toBe(401);
    const learner = await jwtHeader(unique('l'));
    const empty = await call(BULK, { method: 'POST', headers: learner });
    expect(empty.status).toBe(403);
    expect(empty.body).toEqual(FORBIDDEN);
    const garbage = await call(BULK, {
      method: 'POST',
      body: '{"identifiers": [',
      headers: { ...learner, 'Content-Type': 'application/json' },
    });
    expect(garbage.status).toBe(403);
  });
});

describe('bulk enroll: endpoint (#endpoint)', () => {
  it('serves the path without the trailing slash too', async () => {
    const { body, course } = await setup();
    const res = await call(BULK.replace(/\/$/, ''), { method: 'POST', json: body, headers: await staffHeader() });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.courses)).toEqual([course.id]);
  });

  it.each(['GET', 'PUT', 'PATCH', 'DELETE'])('%s → 405 JSON with Allow: POST, before auth', async (method) => {
    for (const headers of [{}, await staffHeader()]) {
      const res = await call(BULK, { method, headers });
      expect(res.status).toBe(405);
      expect(res.headers.get('Content-Type')).toBe('application/json');
      expect(res.headers.get('Allow')).toContain('POST');
    }
  });

  it('answers application/json exactly', async () => {
    const { body } = await setup();
    const res = await bulk(body);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json');
  });
});
