import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, grantRole, newCourseId, provisionCourse, provisionUser } from '../helpers/provisioning-api';
import { call, dbQueries, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

const cohortsPath = (courseId: string) => `/api/cohorts/v1/courses/${courseId}/cohorts/`;
const create = (courseId: string, json: unknown, headers: Record<string, string> = apiKeyHeader) =>
  call(cohortsPath(courseId), { method: 'POST', headers, json });
const list = (courseId: string, headers: Record<string, string> = apiKeyHeader) =>
  call(cohortsPath(courseId), { headers });

describe('cohorts: create and list', () => {
  it('creates cohorts (200, the new cohort) and lists them in creation order', async () => {
    const courseId = await provisionCourse();
    const empty = await list(courseId);
    expect(empty.status).toBe(200);
    expect(empty.headers.get('Content-Type')).toBe('application/json');
    expect(empty.body).toEqual({ cohorts: [] });

    const first = await create(courseId, { name: 'Zebra', assignment_type: 'manual' });
    expect(first.status).toBe(200);
    expect(first.headers.get('Content-Type')).toBe('application/json');
    expect(dbQueries(first.headers)).toBe(1);
    expect(first.body).toEqual({
      id: expect.any(Number),
      name: 'Zebra',
      user_count: 0,
      assignment_type: 'manual',
      user_partition_id: null,
      group_id: null,
    });
    const second = await create(courseId, { name: 'Alpha', assignment_type: 'random' });
    const listed = await list(courseId);
    expect(dbQueries(listed.headers)).toBe(1);
    expect(listed.body).toEqual({ cohorts: [first.body, second.body] });
  });

  it('counts members with an active enrollment in the course', async () => {
    const courseId = await provisionCourse();
    const cohort = (await create(courseId, { name: 'Counted', assignment_type: 'manual' })).body;
    const ids: number[] = [];
    for (const active of [1, 1, 0]) {
      const user = (await call(`${ADMIN}/users/${await provisionUser()}`, { headers: apiKeyHeader })).body;
      ids.push(user.id);
      await env.DB.batch([
        env.DB.prepare(
          "insert into enrollments (user_id, course_id, mode, is_active, created_at, updated_at) values (?, ?, 'audit', ?, 0, 0)",
        ).bind(user.id, courseId, active),
        env.DB.prepare('insert into cohort_memberships (course_id, user_id, cohort_id) values (?, ?, ?)').bind(
          courseId,
          user.id,
          cohort.id,
        ),
      ]);
    }
    const [listed] = (await list(courseId)).body.cohorts;
    expect(listed.user_count).toBe(2);
  });

  it('refuses a duplicate name in the same course (400) but allows it in another', async () => {
    const courseId = await provisionCourse();
    const other = await provisionCourse();
    expect((await create(courseId, { name: 'Same', assignment_type: 'manual' })).status).toBe(200);
    const dup = await create(courseId, { name: 'Same', assignment_type: 'random' });
    expect(dup.status).toBe(400);
    expect(dup.headers.get('Content-Type')).toBe('application/json');
    expect(dup.body).toEqual({
      developer_message: 'A cohort with the same name already exists.',
      error_code: 'cohort-name-exists',
    });
    expect((await create(other, { name: 'Same', assignment_type: 'manual' })).status).toBe(200);
    expect((await list(courseId)).body.cohorts).toHaveLength(1);
  });

  it('serves legacy slash ids and paths without the trailing slash', async () => {
    const courseId = await provisionCourse(`edX/${unique('Coh')}/2014`);
    const res = await call(`/api/cohorts/v1/courses/${courseId}/cohorts`, {
      method: 'POST',
      headers: apiKeyHeader,
      json: { name: 'Legacy', assignment_type: 'manual' },
    });
    expect(res.status, res.text).toBe(200);
    const listed = await call(`/api/cohorts/v1/courses/${courseId}/cohorts`, { headers: apiKeyHeader });
    expect(listed.body.cohorts.map((c: { name: string }) => c.name)).toEqual(['Legacy']);
  });

  it('answers 404 in developer shape for an unknown course or an id that is no course key', async () => {
    for (const courseId of [newCourseId(), 'not-a-key']) {
      for (const res of [await list(courseId), await create(courseId, { name: 'x', assignment_type: 'manual' })]) {
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ error_code: 'course-not-found' });
        expect(typeof res.body.developer_message).toBe('string');
      }
    }
  });

  it('answers 400 in developer shape for missing or invalid fields, and creates nothing', async () => {
    const courseId = await provisionCourse();
    const cases: [unknown, string][] = [
      [{}, 'missing-cohort-name'],
      [{ assignment_type: 'manual' }, 'missing-cohort-name'],
      [{ name: '   ', assignment_type: 'manual' }, 'invalid-cohort-name'],
      [{ name: 7, assignment_type: 'manual' }, 'invalid-cohort-name'],
      [{ name: 'x' }, 'missing-assignment-type'],
      [{ name: 'x', assignment_type: 'sometimes' }, 'invalid-assignment-type'],
      [[], 'invalid-request'],
    ];
    for (const [json, code] of cases) {
      const res = await create(courseId, json);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.body.error_code, JSON.stringify(json)).toBe(code);
      expect(typeof res.body.developer_message).toBe('string');
    }
    const missing = await create(courseId, {});
    expect(missing.body.developer_message).toBe('"name" must be specified to create cohort.');
    const notJson = await call(cohortsPath(courseId), { method: 'POST', headers: apiKeyHeader, body: '{oops' });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ developer_message: 'Request body is not valid JSON.' });
    expect((await list(courseId)).body.cohorts).toEqual([]);
  });
});

describe('cohorts: who may call', () => {
  let courseId: string;
  let otherCourse: string;
  const staff = unique('cstaff');
  const instructor = unique('cinstr');
  const inactive = unique('cinact');

  beforeAll(async () => {
    courseId = await provisionCourse();
    otherCourse = await provisionCourse();
    await provisionUser(staff);
    await provisionUser(instructor);
    await provisionUser(inactive, { is_active: false });
    await grantRole(courseId, staff, 'staff');
    await grantRole(courseId, instructor, 'instructor');
    await grantRole(courseId, inactive, 'staff');
  });

  it('anonymous → 401 {"developer_message"}', async () => {
    for (const res of [
      await call(cohortsPath(courseId)),
      await create(courseId, { name: 'a', assignment_type: 'manual' }, {}),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ developer_message: 'Authentication credentials were not provided.' });
      expect(res.headers.get('WWW-Authenticate')).toBe('JWT realm="api"');
    }
  });

  it('refuses learners, inactive staff, staff of another course and restricted apps with 403', async () => {
    const before = (await list(courseId)).body.cohorts;
    const refused = [
      await jwtHeader(unique('learner')),
      await jwtHeader(inactive),
      await jwtHeader(staff, { isRestricted: true, filters: ['content_org:ProvX'], scopes: ['enrollments:read'] }),
      await jwtHeader(unique('app'), { administrator: true, isRestricted: true }),
    ];
    for (const headers of refused) {
      for (const res of [
        await list(courseId, headers),
        await create(courseId, { name: unique('n'), assignment_type: 'manual' }, headers),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ developer_message: 'You do not have permission to perform this action.' });
      }
    }
    // Permission comes before input checks: an empty body is still a 403.
    expect((await create(courseId, {}, await jwtHeader(unique('learner')))).status).toBe(403);
    // Course staff of one run have no say on another.
    expect((await list(otherCourse, await jwtHeader(staff))).status).toBe(403);
    // Nothing the refused calls sent was created (other tests of this file may have made cohorts).
    expect((await list(courseId)).body.cohorts).toEqual(before);
  });

  it('lets the API key, global staff, and the course staff and instructors in', async () => {
    const allowed = [
      apiKeyHeader,
      await jwtHeader(unique('gs'), { administrator: true }),
      await jwtHeader(staff),
      await jwtHeader(instructor),
    ];
    for (const headers of allowed) {
      const made = await create(courseId, { name: unique('ok'), assignment_type: 'manual' }, headers);
      expect(made.status, made.text).toBe(200);
      expect((await list(courseId, headers)).status).toBe(200);
    }
    expect((await list(courseId)).body.cohorts).toHaveLength(4);
  });

  it('wrong method → 405 before authentication', async () => {
    const res = await call(cohortsPath(courseId), { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toContain('POST');
  });
});
