import { describe, expect, it } from 'vitest';
import { activeCount, countFor } from '../helpers/bulk-fixtures';
import { auditRows, cohortOf, createCohort, createCourse, userByUsername } from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';

describe('allowance smoke', () => {
  it('realises an auto-enroll allowance when the JWT creates the user', async () => {
    const id = `course-v1:Al+${unique('C')}+R`;
    await createCourse({ id, name: 'Al', courseStart: null, modes: [] });
    await createCohort(id, 'A');
    const name = unique('al');
    const staff = await jwtHeader(unique('staff'), { administrator: true });
    const bulk = await call('/api/bulk_enroll/v1/bulk_enroll/', {
      method: 'POST',
      headers: staff,
      json: {
        identifiers: `${name}@example.com`,
        courses: id,
        action: 'enroll',
        auto_enroll: true,
        cohorts: 'A',
        reason: 'r1',
      },
    });
    expect(bulk.status, bulk.text).toBe(200);
    const res = await call('/api/enrollment/v1/enrollment', { headers: await jwtHeader(name) });
    expect(res.status).toBe(200);
    expect(res.body.map((e: { course_details: { course_id: string } }) => e.course_details.course_id)).toEqual([id]);
    const audits = await auditRows(id);
    expect(audits.map((a) => a.stateTransition)).toEqual([
      'from unenrolled to allowed to enroll',
      'from allowed to enroll to enrolled',
    ]);
    expect(audits[1]?.reason).toBe('r1');
    expect(audits[1]?.enrollmentId).not.toBeNull();
    const user = await userByUsername(name);
    expect(user && (await cohortOf(user.id, id))).toBe('A');
  });
});

describe('provisioning hooks', () => {
  it('PUT /users realises allowances when the account becomes usable, and the outbox is readable', async () => {
    const id = `course-v1:Ob+${unique('C')}+R`;
    await createCourse({ id, name: 'Outbox Course', courseStart: null, modes: [] });
    const name = unique('ob');
    const email = `${name}@example.com`;
    const staff = await jwtHeader(unique('staff'), { administrator: true });
    const bulk = await call('/api/bulk_enroll/v1/bulk_enroll/', {
      method: 'POST',
      headers: staff,
      json: { identifiers: email, courses: id, action: 'enroll', auto_enroll: true, email_students: true },
    });
    expect(bulk.status, bulk.text).toBe(200);
    const key = { 'X-Edx-Api-Key': 'test-api-key' };
    const inactive = await call(`/api/admin/v1/users/${name}`, {
      method: 'PUT',
      headers: key,
      json: { email, is_active: false },
    });
    expect(inactive.status, inactive.text).toBe(201);
    expect(await countFor('enrollments', id)).toBe(0);
    const activated = await call(`/api/admin/v1/users/${name}`, {
      method: 'PUT',
      headers: key,
      json: { email, is_active: true },
    });
    expect(activated.status).toBe(200);
    expect(await activeCount(id)).toBe(1);
    const outbox = await call(`/api/admin/v1/outbox?to=${encodeURIComponent(email)}`, { headers: key });
    expect(outbox.status, outbox.text).toBe(200);
    expect(outbox.body.results).toEqual([
      expect.objectContaining({
        to: email,
        kind: 'allowed_enroll',
        course_id: id,
        subject: 'You have been invited to register for Outbox Course',
      }),
    ]);
  });
});
