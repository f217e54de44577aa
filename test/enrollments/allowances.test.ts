import { describe, expect, it } from 'vitest';
import {
  allowanceRow,
  createAllowance,
  createCourse,
  createUser,
  enrollmentRows,
  uniqueCourseId,
} from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';
import { API, apiKey, expectJson, FORBIDDEN, globalStaff, iso, learner, NOT_AUTHENTICATED } from './support';

const PATH = `${API}/enrollment_allowed/`;
const KEYS = ['email', 'course_id', 'auto_enroll', 'created', 'user'];
const staff = () => globalStaff(unique('gs'));
const newEmail = () => `${unique('cea')}@example.com`;

describe('E9 /enrollment_allowed/ (#e9)', () => {
  it('POST creates an allowance: 201 with the allowance object (#allowance-object)', async () => {
    const course = await createCourse();
    const email = newEmail();
    const before = Date.now();
    const res = await call(PATH, { method: 'POST', json: { email, course_id: course.id }, headers: await staff() });
    expect(res.status).toBe(201);
    expectJson(res);
    expect(Object.keys(res.body)).toEqual(KEYS);
    expect(res.body).toMatchObject({ email, course_id: course.id, auto_enroll: false, user: null });
    const row = await allowanceRow(email, course.id);
    expect(row?.createdAt).toBeGreaterThanOrEqual(before - 1000);
    expect(res.body.created).toBe(iso(row?.createdAt));
  });

  it('POST accepts auto_enroll and courses that are not provisioned, enrolling nobody', async () => {
    const id = uniqueCourseId();
    const user = await createUser();
    const res = await call(PATH, {
      method: 'POST',
      json: { email: user.email, course_id: id, auto_enroll: true },
      headers: await staff(),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: user.email, course_id: id, auto_enroll: true, user: null });
    expect(await enrollmentRows(id)).toEqual([]);
  });

  it('POST answers 409 for an existing (email, course)', async () => {
    const course = await createCourse();
    const email = newEmail();
    await createAllowance({ email, courseId: course.id });
    const res = await call(PATH, { method: 'POST', json: { email, course_id: course.id }, headers: await staff() });
    expect(res.status).toBe(409);
    expectJson(res);
    expect(res.body).toEqual({
      message: `An enrollment allowed with email ${email} and course ${course.id} already exists.`,
    });
  });

  it.each([
    [{ course_id: 'course-v1:a+b+c' }, { email: ['This field is required.'] }],
    [{ email: 'x@example.com' }, { course_id: ['This field is required.'] }],
    [{ email: 'x@example.com', course_id: 'not a key' }, { course_id: ['Course key not valid: not a key'] }],
  ])('POST %j → 400 %j', async (json, expected) => {
    const res = await call(PATH, { method: 'POST', json, headers: await staff() });
    expect(res.status).toBe(400);
    expectJson(res);
    expect(res.body).toEqual(expected);
  });

  it('POST without both fields reports both', async () => {
    const res = await call(PATH, { method: 'POST', json: {}, headers: await staff() });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ email: ['This field is required.'], course_id: ['This field is required.'] });
  });

  it('GET lists the allowances of an e-mail, oldest first; [] when none', async () => {
    const email = newEmail();
    const [a, b] = [uniqueCourseId(), uniqueCourseId()];
    const consumer = await createUser();
    await createAllowance({
      email,
      courseId: b,
      createdAt: Date.UTC(2024, 4, 2),
      autoEnroll: true,
      userId: consumer.id,
    });
    await createAllowance({ email, courseId: a, createdAt: Date.UTC(2024, 4, 1, 10) });
    await createAllowance({ email: newEmail(), courseId: a });
    const res = await call(`${PATH}?email=${encodeURIComponent(email)}`, { headers: await staff() });
    expect(res.status).toBe(200);
    expectJson(res);
    expect(res.body).toEqual([
      { email, course_id: a, auto_enroll: false, created: '2024-05-01T10:00:00Z', user: null },
      { email, course_id: b, auto_enroll: true, created: '2024-05-02T00:00:00Z', user: consumer.id },
    ]);
    for (const item of res.body) expect(Object.keys(item)).toEqual(KEYS);
    const none = await call(`${PATH}?email=${encodeURIComponent(newEmail())}`, { headers: await staff() });
    expect(none.body).toEqual([]);
  });

  it("GET defaults to the caller's e-mail (and serves the path without trailing slash)", async () => {
    const name = unique('gs');
    const email = `${name}@example.com`;
    const course = uniqueCourseId();
    await createAllowance({ email, courseId: course, createdAt: Date.UTC(2024, 0, 1) });
    const res = await call(`${API}/enrollment_allowed`, { headers: await globalStaff(name) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { email, course_id: course, auto_enroll: false, created: '2024-01-01T00:00:00Z', user: null },
    ]);
  });

  it('DELETE removes an allowance (204) and answers 404 when absent (sic "doesn\'t exists")', async () => {
    const course = await createCourse();
    const email = newEmail();
    await createAllowance({ email, courseId: course.id });
    const headers = await staff();
    const res = await call(PATH, { method: 'DELETE', json: { email, course_id: course.id }, headers });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await allowanceRow(email, course.id)).toBeUndefined();
    const again = await call(PATH, { method: 'DELETE', json: { email, course_id: course.id }, headers });
    expect(again.status).toBe(404);
    expectJson(again);
    expect(again.body).toEqual({
      message: `An enrollment allowed with email ${email} and course ${course.id} doesn't exists.`,
    });
  });

  it.each([
    [{ course_id: 'course-v1:a+b+c' }, { email: ['This field is required.'] }],
    [{ email: 'x@example.com' }, { course_id: ['This field is required.'] }],
  ])('DELETE %j → 400 %j', async (json, expected) => {
    const res = await call(PATH, { method: 'DELETE', json, headers: await staff() });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(expected);
  });

  it('refuses non-staff with 403 and the API key alone / anonymous with 401 (JWT only)', async () => {
    const course = await createCourse();
    const email = newEmail();
    const json = { email, course_id: course.id };
    for (const [method, payload] of [
      ['GET', undefined],
      ['POST', json],
      ['DELETE', json],
    ] as const) {
      for (const headers of [
        await learner(unique('l')),
        { ...apiKey, ...(await learner(unique('l'))) },
        await jwtHeader(unique('ra'), { administrator: true, isRestricted: true }),
      ]) {
        const res = await call(PATH, { method, json: payload, headers });
        expect(res.status, method).toBe(403);
        expect(res.body).toEqual(FORBIDDEN);
      }
      for (const headers of [{}, apiKey]) {
        const res = await call(PATH, { method, json: payload, headers });
        expect(res.status, method).toBe(401);
        expect(res.body).toEqual(NOT_AUTHENTICATED);
      }
    }
    expect(await allowanceRow(email, course.id)).toBeUndefined();
  });

  it('answers other methods with 405', async () => {
    const res = await call(PATH, { method: 'PUT', json: {} });
    expect(res.status).toBe(405);
    expectJson(res);
  });
});
