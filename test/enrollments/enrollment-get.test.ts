import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createCourse,
  createUser,
  enroll,
  grantRole,
  setCourse,
  uniqueCourseId,
  uniquePart,
} from '../helpers/fixtures';
import { call, dbQueries, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';
import {
  API,
  apiKey,
  DETAILS_KEYS,
  detailsJson,
  ENROLLMENT_KEYS,
  expectJson,
  globalStaff,
  learner,
  MODE_KEYS,
  NOT_AUTHENTICATED,
  NOT_FOUND,
  past,
  pathId,
} from './support';

const getOne = (username: string, courseId: string, headers: Record<string, string>, suffix = '') =>
  call(`${API}/enrollment/${username},${pathId(courseId)}${suffix}`, { headers });
const getOwn = (courseId: string, headers: Record<string, string>, suffix = '') =>
  call(`${API}/enrollment/${pathId(courseId)}${suffix}`, { headers });

function expectEmpty(res: { status: number; text: string; headers: Headers }) {
  expect(res.status).toBe(200);
  expect(res.text).toBe('');
  expectJson(res);
}

describe('E2 GET /enrollment/{username},{course_id} (#e2-e3)', () => {
  it('answers the enrollment object for the user themself (#enrollment-object)', async () => {
    const course = await createCourse({
      modes: [{ slug: 'audit' }, { slug: 'verified', minPrice: 49, expirationAt: past() }],
    });
    const user = await createUser();
    const created = Date.UTC(2014, 9, 20, 20, 18, 0, 123);
    await enroll(user.id, course.id, { mode: 'verified', createdAt: created });
    const res = await getOne(user.username, course.id, await learner(user.username));
    expect(res.status).toBe(200);
    expectJson(res);
    expect(Object.keys(res.body)).toEqual(ENROLLMENT_KEYS);
    expect(Object.keys(res.body.course_details)).toEqual(DETAILS_KEYS);
    for (const m of res.body.course_details.course_modes) expect(Object.keys(m)).toEqual(MODE_KEYS);
    expect(res.body).toEqual({
      created: '2014-10-20T20:18:00.123000Z',
      mode: 'verified',
      is_active: true,
      // course_details never include expired modes (#enrollment-object)
      course_details: detailsJson(course),
      user: user.username,
    });
    expect(res.body.course_details.course_modes.map((m: { slug: string }) => m.slug)).toEqual(['audit']);
  });

  it('answers inactive enrollments too', async () => {
    const course = await createCourse();
    const user = await createUser();
    await enroll(user.id, course.id, { isActive: false, createdAt: Date.UTC(2020, 0, 1) });
    const res = await getOne(user.username, course.id, await learner(user.username));
    expect(res.status).toBe(200);
    expect(res.body.is_active).toBe(false);
    expect(res.body.created).toBe('2020-01-01T00:00:00Z');
  });

  it.each([
    ['global staff', async () => globalStaff(unique('gs'))],
    ['the API key', async () => apiKey],
  ])('lets %s read anyone’s enrollment', async (_name, headers) => {
    const course = await createCourse();
    const user = await createUser();
    await enroll(user.id, course.id);
    const res = await getOne(user.username, course.id, await headers());
    expect(res.status).toBe(200);
    expect(res.body.user).toBe(user.username);
  });

  it('answers 404 Not found to other learners and course staff, whether or not the enrollment exists', async () => {
    const course = await createCourse();
    const user = await createUser();
    await enroll(user.id, course.id);
    const other = await createUser();
    const staff = await createUser();
    await grantRole(course.id, staff.id, 'instructor');
    for (const caller of [other, staff]) {
      const headers = await learner(caller.username);
      for (const [username, courseId] of [
        [user.username, course.id],
        [unique('ghost'), course.id],
        [user.username, uniqueCourseId()],
      ] as const) {
        const res = await getOne(username, courseId, headers);
        expect(res.status).toBe(404);
        expectJson(res);
        expect(res.body).toEqual(NOT_FOUND);
      }
    }
  });

  it('answers 200 with an empty body when there is no enrollment (D3)', async () => {
    const course = await createCourse();
    const user = await createUser();
    const staff = await globalStaff(unique('gs'));
    expectEmpty(await getOne(user.username, course.id, await learner(user.username))); // not enrolled
    expectEmpty(await getOne(unique('ghost'), course.id, staff)); // unknown user
    expectEmpty(await getOne(user.username, uniqueCourseId(), staff)); // unknown course
    expectEmpty(await getOne(user.username, course.id, apiKey));
  });

  it('answers 400 for an id that is not a course key (D8)', async () => {
    const user = await createUser();
    const res = await call(`${API}/enrollment/${user.username},not-a-key`, { headers: await learner(user.username) });
    expect(res.status).toBe(400);
    expectJson(res);
    expect(res.body).toEqual({
      message: `An error occurred while retrieving enrollments for user '${user.username}' in course 'not-a-key'`,
    });
  });

  it('splits on the first comma only: the rest is the course id', async () => {
    const course = await createCourse();
    const user = await createUser();
    await enroll(user.id, course.id);
    const path = `${API}/enrollment/${user.username},${pathId(course.id)},x`;
    const res = await call(path, { headers: await learner(user.username) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      message: `An error occurred while retrieving enrollments for user '${user.username}' in course '${course.id},x'`,
    });
  });

  it('checks permission before the course id (other learner + bad key → 404)', async () => {
    const user = await createUser();
    const res = await call(`${API}/enrollment/${user.username},not-a-key`, { headers: await learner(unique('o')) });
    expect(res.status).toBe(404);
    expect(res.body).toEqual(NOT_FOUND);
  });

  it('matches with and without trailing slash, literal or encoded +, slash-form ids', async () => {
    const course = await createCourse();
    const slashId = `edX/${uniquePart('D')}/2014`;
    await createCourse({ id: slashId });
    const user = await createUser();
    await enroll(user.id, course.id);
    await enroll(user.id, slashId);
    const headers = await learner(user.username);
    for (const path of [
      `${API}/enrollment/${user.username},${course.id}`,
      `${API}/enrollment/${user.username},${course.id}/`,
      `${API}/enrollment/${user.username},${pathId(course.id)}`,
      `${API}/enrollment/${user.username},${pathId(course.id)}/`,
    ]) {
      const res = await call(path, { headers });
      expect(res.status, path).toBe(200);
      expect(res.body.course_details.course_id, path).toBe(course.id);
    }
    for (const path of [
      `${API}/enrollment/${user.username},${slashId}`,
      `${API}/enrollment/${user.username},${slashId}/`,
    ]) {
      const res = await call(path, { headers });
      expect(res.status, path).toBe(200);
      expect(res.body.course_details.course_id, path).toBe(slashId);
    }
  });

  it('accepts usernames with . @ + - characters', async () => {
    const course = await createCourse();
    const username = `${unique('a.b-c')}@x+y`;
    const user = await createUser({ username, email: `${unique('e')}@example.com` });
    await enroll(user.id, course.id);
    const res = await call(`${API}/enrollment/${encodeURIComponent(username)},${pathId(course.id)}`, {
      headers: apiKey,
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toBe(username);
  });

  it('lets an inactive account read its own enrollment (allow-inactive authentication)', async () => {
    const course = await createCourse();
    const user = await createUser({ isActive: false });
    await enroll(user.id, course.id);
    const res = await getOne(user.username, course.id, await learner(user.username));
    expect(res.status).toBe(200);
  });

  it('uses at most 2 queries (docs/architecture.md#round-trips)', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified' }] });
    const user = await createUser();
    await enroll(user.id, course.id);
    const headers = await learner(user.username);
    await getOne(user.username, course.id, headers); // user row in step with the token
    const res = await getOne(user.username, course.id, headers);
    expect(res.status).toBe(200);
    expect(dbQueries(res.headers)).toBeLessThanOrEqual(2);
    const viaKey = await getOne(user.username, course.id, apiKey);
    expect(dbQueries(viaKey.headers)).toBeLessThanOrEqual(2);
  });

  it('computes course_details fresh (not from the E1 cache)', async () => {
    const course = await createCourse({ name: 'Before' });
    const user = await createUser();
    await enroll(user.id, course.id);
    await call(`${API}/course/${pathId(course.id)}`); // fills the E1 cache
    await setCourse(course.id, { courseName: 'After' });
    const res = await getOne(user.username, course.id, apiKey);
    expect(res.body.course_details.course_name).toBe('After');
  });

  it('answers 401 without credentials and for a bad JWT', async () => {
    const course = await createCourse();
    const anon = await getOne('bob', course.id, {});
    expect(anon.status).toBe(401);
    expect(anon.body).toEqual(NOT_AUTHENTICATED);
    expect(anon.headers.get('WWW-Authenticate')).toBe('JWT realm="api"');
    const bad = await getOne('bob', course.id, { Authorization: 'JWT not.a.token' });
    expect(bad.status).toBe(401);
    expect(typeof bad.body.detail).toBe('string');
    expect(bad.headers.get('WWW-Authenticate')).toBe('JWT realm="api"');
  });
});

describe('E3 GET /enrollment/{course_id} (#e2-e3)', () => {
  it("answers the caller's own enrollment", async () => {
    const course = await createCourse();
    const user = await createUser();
    await enroll(user.id, course.id, { mode: 'audit' });
    for (const suffix of ['', '/']) {
      const res = await getOwn(course.id, await learner(user.username), suffix);
      expect(res.status).toBe(200);
      expect(res.body.user).toBe(user.username);
      expect(res.body.course_details).toEqual(detailsJson(course));
    }
  });

  it('answers 200 with an empty body when the caller is not enrolled or the course is unknown', async () => {
    const course = await createCourse();
    const username = unique('jit');
    expectEmpty(await getOwn(course.id, await learner(username)));
    expectEmpty(await getOwn(uniqueCourseId(), await learner(username)));
  });

  it('answers an API-key-only call (username "") with an empty body', async () => {
    const course = await createCourse();
    expectEmpty(await getOwn(course.id, apiKey));
  });

  it('reads the JWT user when an API key comes along', async () => {
    const course = await createCourse();
    const user = await createUser();
    await enroll(user.id, course.id);
    const res = await getOwn(course.id, { ...apiKey, ...(await learner(user.username)) });
    expect(res.status).toBe(200);
    expect(res.body.user).toBe(user.username);
  });

  it('answers 400 for a path that is not a course key', async () => {
    const user = await createUser();
    const res = await call(`${API}/enrollment/not-a-key`, { headers: await learner(user.username) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      message: `An error occurred while retrieving enrollments for user '${user.username}' in course 'not-a-key'`,
    });
  });

  it('serves slash-form ids', async () => {
    const id = `edX/${uniquePart('D')}/2014`;
    await createCourse({ id });
    const user = await createUser();
    await enroll(user.id, id);
    const res = await call(`${API}/enrollment/${id}`, { headers: await learner(user.username) });
    expect(res.status).toBe(200);
    expect(res.body.course_details.course_id).toBe(id);
  });

  it('answers 401 without credentials', async () => {
    const res = await getOwn(uniqueCourseId(), {});
    expect(res.status).toBe(401);
    expect(res.body).toEqual(NOT_AUTHENTICATED);
  });

  it('never answers 5xx for arbitrary course ids in E2/E3 paths (property)', async () => {
    const user = await createUser();
    const headers = await jwtHeader(user.username);
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), fc.boolean(), async (raw, withUser) => {
        const id = encodeURIComponent(raw).replaceAll('%2C', ',');
        const path = withUser ? `${API}/enrollment/${user.username},${id}` : `${API}/enrollment/${id}`;
        const res = await call(path, { headers });
        expect(res.status, path).toBeLessThan(500);
        expectJson(res);
      }),
      { numRuns: 60 },
    );
  });
});
