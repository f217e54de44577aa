import { describe, expect, it } from 'vitest';
import { createCourse, createUser, deleteCourse, enroll, grantRole } from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';
import {
  API,
  apiKey,
  detailsJson,
  ENROLLMENT_KEYS,
  expectJson,
  globalStaff,
  learner,
  NOT_AUTHENTICATED,
  past,
} from './support';

const list = (query: string, headers: Record<string, string>, path = `${API}/enrollment`) =>
  call(`${path}${query}`, { headers });

/** A learner with three active enrollments (created out of order), one inactive, one in a deleted course. */
async function learnerWithEnrollments() {
  const user = await createUser();
  const [a, b, c, inactive, gone] = await Promise.all([
    createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified', expirationAt: past() }] }),
    createCourse(),
    createCourse(),
    createCourse(),
    createCourse(),
  ]);
  await enroll(user.id, b.id, { createdAt: Date.UTC(2020, 0, 2) });
  await enroll(user.id, a.id, { createdAt: Date.UTC(2020, 0, 1, 0, 0, 0, 500), mode: 'verified' });
  await enroll(user.id, c.id, { createdAt: Date.UTC(2020, 0, 2) }); // same created as b → row id decides
  await enroll(user.id, inactive.id, { createdAt: Date.UTC(2019, 0, 1), isActive: false });
  await enroll(user.id, gone.id, { createdAt: Date.UTC(2019, 0, 1) });
  await deleteCourse(gone.id);
  return { user, courses: { a, b, c, inactive } };
}

describe('E4 GET /enrollment (#e4)', () => {
  it("lists the caller's active enrollments, oldest first, as a bare array", async () => {
    const { user, courses } = await learnerWithEnrollments();
    for (const path of [`${API}/enrollment`, `${API}/enrollment/`]) {
      const res = await list('', await learner(user.username), path);
      expect(res.status, path).toBe(200);
      expectJson(res);
      expect(Array.isArray(res.body)).toBe(true);
      expect(res.body.map((e: { course_details: { course_id: string } }) => e.course_details.course_id)).toEqual([
        courses.a.id,
        courses.b.id,
        courses.c.id,
      ]);
      for (const item of res.body) expect(Object.keys(item)).toEqual(ENROLLMENT_KEYS);
      expect(res.body[0]).toEqual({
        created: '2020-01-01T00:00:00.500000Z',
        mode: 'verified',
        is_active: true,
        course_details: detailsJson(courses.a),
        user: user.username,
      });
    }
  });

  it('takes the target from ?user= (same list for self, global staff and the API key)', async () => {
    const { user, courses } = await learnerWithEnrollments();
    const expected = [courses.a.id, courses.b.id, courses.c.id];
    for (const headers of [await learner(user.username), await globalStaff(unique('gs')), apiKey]) {
      const res = await list(`?user=${user.username}`, headers);
      expect(res.status).toBe(200);
      expect(res.body.map((e: { course_details: { course_id: string } }) => e.course_details.course_id)).toEqual(
        expected,
      );
    }
  });

  it('shows another learner only the entries of courses they are course staff of', async () => {
    const { user, courses } = await learnerWithEnrollments();
    const staff = await createUser();
    await grantRole(courses.b.id, staff.id, 'staff');
    await grantRole(courses.inactive.id, staff.id, 'instructor');
    const res = await list(`?user=${user.username}`, await learner(staff.username));
    expect(res.status).toBe(200);
    expect(res.body.map((e: { course_details: { course_id: string } }) => e.course_details.course_id)).toEqual([
      courses.b.id,
    ]);
    const stranger = await list(`?user=${user.username}`, await learner(unique('stranger')));
    expect(stranger.status).toBe(200);
    expect(stranger.body).toEqual([]);
  });

  it('does not count roles of an inactive account as course staff (#callers)', async () => {
    const { user, courses } = await learnerWithEnrollments();
    const staff = await createUser({ isActive: false });
    await grantRole(courses.b.id, staff.id, 'staff');
    const res = await list(`?user=${user.username}`, await learner(staff.username));
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it('answers [] for unknown users, to everybody (D9)', async () => {
    for (const headers of [await learner(unique('l')), await globalStaff(unique('gs')), apiKey]) {
      const res = await list(`?user=${unique('ghost')}`, headers);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    }
  });

  it('treats an explicitly empty ?user= as the username ""', async () => {
    const { user } = await learnerWithEnrollments();
    const res = await list('?user=', await learner(user.username));
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
    const keyOnly = await list('', apiKey);
    expect(keyOnly.status).toBe(200);
    expect(keyOnly.body).toEqual([]);
  });

  it('creates a first-time JWT user and answers []', async () => {
    const res = await list('', await jwtHeader(unique('new')));
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it('answers 401 without credentials', async () => {
    const res = await list('', {});
    expect(res.status).toBe(401);
    expect(res.body).toEqual(NOT_AUTHENTICATED);
    expect(res.headers.get('WWW-Authenticate')).toBe('JWT realm="api"');
  });
});
