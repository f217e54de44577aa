import { describe, expect, it } from 'vitest';
import { createCourse, createUser, orgOptIn, snapshot } from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { API, apiKey, body, learner, postEnrollment } from './support';

// What POST /enrollment accepts at the HTTP layer (EnrollBodySchema): step 1 refused by the schema,
// later fields accepted in any form and refused by the service at their own step, so the order of
// docs/api/enrollments.md holds.

const NOT_AN_ATTRIBUTE = "'namespace' not in enrollment attribute";

describe('E5 input: what the schema accepts and refuses', () => {
  it('a single attribute object (not a list) is a 400 at step 10 and changes nothing', async () => {
    const course = await createCourse();
    const user = await createUser();
    const scope = { courseIds: [course.id], userIds: [user.id] };
    const before = await snapshot(scope);
    const attribute = { namespace: 'order', name: 'order_number', value: 'EDX-1' };
    const res = await postEnrollment(
      body(course.id, { user: user.username, enrollment_attributes: attribute }),
      apiKey,
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: NOT_AN_ATTRIBUTE, localizedMessage: NOT_AN_ATTRIBUTE });
    expect(await snapshot(scope)).toBe(before);
  });

  it('…and comes after the steps before it: an unknown target user is still the 406', async () => {
    const course = await createCourse();
    const ghost = unique('ghost');
    const res = await postEnrollment(
      body(course.id, { user: ghost, is_active: 'yes', enrollment_attributes: { namespace: 'a' } }),
      apiKey,
    );
    expect(res.status).toBe(406);
    expect(res.body).toEqual({ message: `The user ${ghost} does not exist.` });
  });

  it.each([
    ['FALSE', 'False'],
    ['True', 'True'],
  ])('email_opt_in %j (a string, any case) sets the preference', async (value, stored) => {
    const course = await createCourse({ org: unique('Org') });
    const user = await createUser();
    const res = await postEnrollment(body(course.id, { user: user.username, email_opt_in: value }), apiKey);
    expect(res.status).toBe(200);
    expect(await orgOptIn(user.id, course.org)).toBe(stored);
  });

  it('an email_opt_in of another kind is ignored', async () => {
    const course = await createCourse({ org: unique('Org') });
    const user = await createUser();
    const res = await postEnrollment(body(course.id, { user: user.username, email_opt_in: 'maybe' }), apiKey);
    expect(res.status).toBe(200);
    expect(await orgOptIn(user.id, course.org)).toBeNull();
  });

  it('a non-string mode is read as its JSON text (step 5 names it)', async () => {
    const course = await createCourse();
    const user = await createUser();
    const res = await postEnrollment(body(course.id, { mode: 5 }), await learner(user.username));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ message: 'User does not have permission to create enrollment with mode [5].' });
  });

  it.each([
    ['no course_details', {}],
    ['course_details not an object', { course_details: 'course-v1:a+b+c' }],
    ['an empty course_id', { course_details: { course_id: '' } }],
    ['a numeric course_id', { course_details: { course_id: 5 } }],
  ])('step 1 (%s) is the schema’s own 400, before the user checks', async (_name, json) => {
    const res = await postEnrollment({ ...json, user: unique('ghost') }, apiKey);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: 'Course ID must be specified to create a new enrollment.' });
  });

  it('a body that is not an object, or a form body (JSON only), is a 400', async () => {
    const headers = await learner(unique('u'));
    const list = await postEnrollment([1, 2], headers);
    expect(list.status).toBe(400);
    expect(list.body).toEqual({ detail: 'Invalid data. Expected a dictionary, but got list.' });
    const form = await call(`${API}/enrollment`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'course_details=x',
    });
    expect(form.status).toBe(400);
    expect(form.body.detail).toMatch(/^JSON parse error - /);
  });
});
