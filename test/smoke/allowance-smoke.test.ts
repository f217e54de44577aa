import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';

describe('lead allowance smoke', () => {
  it('realises an auto-enroll allowance when the JWT creates the user', async () => {
    const id = `course-v1:Al+${unique('C')}+R`;
    await env.DB.prepare(
      "insert into course_runs (id, course_name, org, invite_only, self_paced, bulk_email_enabled, blocked_countries, created_at, updated_at) values (?, 'Al', 'Al', 0, 0, 0, '[]', 0, 0)",
    )
      .bind(id)
      .run();
    const cohort = await env.DB.prepare(
      "insert into cohorts (course_id, name, assignment_type, created_at) values (?, 'A', 'manual', 0) returning id",
    )
      .bind(id)
      .first<{ id: number }>();
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
    const audits = await env.DB.prepare(
      'select state_transition, reason, enrollment_id from enrollment_audit where course_id = ? order by id',
    )
      .bind(id)
      .all();
    expect(audits.results.map((a) => a.state_transition)).toEqual([
      'from unenrolled to allowed to enroll',
      'from allowed to enroll to enrolled',
    ]);
    expect(audits.results[1]?.reason).toBe('r1');
    expect(audits.results[1]?.enrollment_id).not.toBeNull();
    const member = await env.DB.prepare('select cohort_id from cohort_memberships where course_id = ?')
      .bind(id)
      .first<{ cohort_id: number }>();
    expect(member?.cohort_id).toBe(cohort?.id);
  });
});

describe('lead provisioning hooks', () => {
  it('PUT /users realises allowances when the account becomes usable, and the outbox is readable', async () => {
    const id = `course-v1:Ob+${unique('C')}+R`;
    await env.DB.prepare(
      "insert into course_runs (id, course_name, org, invite_only, self_paced, bulk_email_enabled, blocked_countries, created_at, updated_at) values (?, 'Outbox Course', 'Ob', 0, 0, 0, '[]', 0, 0)",
    )
      .bind(id)
      .run();
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
    const none = await env.DB.prepare('select count(*) as n from enrollments where course_id = ?')
      .bind(id)
      .first<{ n: number }>();
    expect(none?.n).toBe(0);
    const activated = await call(`/api/admin/v1/users/${name}`, {
      method: 'PUT',
      headers: key,
      json: { email, is_active: true },
    });
    expect(activated.status).toBe(200);
    const one = await env.DB.prepare('select count(*) as n from enrollments where course_id = ? and is_active = 1')
      .bind(id)
      .first<{ n: number }>();
    expect(one?.n).toBe(1);
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
