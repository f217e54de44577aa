import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, dbQueries, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';

describe('lead bulk smoke', () => {
  it('enrolls 1000 identifiers in few round trips', async () => {
    const id = `course-v1:Bulk+${unique('C')}+R`;
    await env.DB.prepare(
      "insert into course_runs (id, course_name, org, invite_only, self_paced, bulk_email_enabled, blocked_countries, created_at, updated_at) values (?, 'Bulk', 'Bulk', 0, 0, 0, '[]', 0, 0)",
    )
      .bind(id)
      .run();
    const prefix = unique('b');
    const names = Array.from({ length: 500 }, (_, i) => `${prefix}u${i}`);
    const stmt = env.DB.prepare(
      "insert into users (username, email, name, is_staff, is_superuser, is_active, created_at, updated_at) values (?, ?, '', 0, 0, 1, 0, 0)",
    );
    await env.DB.batch(names.map((n) => stmt.bind(n, `${n}@example.com`)));
    const identifiers = [...names, ...Array.from({ length: 500 }, (_, i) => `${prefix}new${i}@example.com`)];
    const staff = await jwtHeader(unique('staff'), { administrator: true });
    await call('/api/enrollment/v1/roles/', { headers: staff });
    const started = Date.now();
    const res = await call('/api/bulk_enroll/v1/bulk_enroll/', {
      method: 'POST',
      headers: staff,
      json: { identifiers: identifiers.join('\n'), courses: id, action: 'enroll', email_students: true },
    });
    const ms = Date.now() - started;
    expect(res.status, res.text).toBe(200);
    const results = res.body.courses[id].results;
    expect(results).toHaveLength(1000);
    expect(results[0], JSON.stringify(results.slice(0, 2))).toHaveProperty('after.enrollment', true);
    expect(results[999].after.allowed).toBe(true);
    console.warn(`bulk 1000: ${dbQueries(res.headers)} queries, ${ms} ms`);
    expect(dbQueries(res.headers)).toBeLessThanOrEqual(5);
    const count = await env.DB.prepare('select count(*) as n from enrollments where course_id = ? and is_active = 1')
      .bind(id)
      .first<{ n: number }>();
    expect(count?.n).toBe(500);
    const audits = await env.DB.prepare('select count(*) as n from enrollment_audit where course_id = ?')
      .bind(id)
      .first<{ n: number }>();
    expect(audits?.n).toBe(1000);
    const mails = await env.DB.prepare('select count(*) as n from outbox where course_id = ?')
      .bind(id)
      .first<{ n: number }>();
    expect(mails?.n).toBe(1000);
  });
});

describe('lead bulk bounds', () => {
  it('answers 413 beyond MAX_BULK_COURSES and 400 for an over-long reason, changing nothing', async () => {
    const staff = await jwtHeader(unique('staff'), { administrator: true });
    const courses = Array.from({ length: 51 }, (_, i) => `course-v1:Many+C${i}+R`).join(',');
    const many = await call('/api/bulk_enroll/v1/bulk_enroll/', {
      method: 'POST',
      headers: staff,
      json: { identifiers: 'someone@example.com', courses, action: 'enroll' },
    });
    expect(many.status).toBe(413);
    expect(many.body.error_code).toBe('too_many_courses');
    const long = await call('/api/bulk_enroll/v1/bulk_enroll/', {
      method: 'POST',
      headers: staff,
      json: {
        identifiers: 'someone@example.com',
        courses: 'course-v1:a+b+c',
        action: 'enroll',
        reason: 'r'.repeat(1001),
      },
    });
    expect(long.status).toBe(400);
    expect(long.body).toEqual({ reason: ['Ensure this field has no more than 1000 characters.'] });
  });
});
