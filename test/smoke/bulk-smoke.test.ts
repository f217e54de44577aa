import { describe, expect, it } from 'vitest';
import { activeCount, countFor, createManyUsers } from '../helpers/bulk-fixtures';
import { createCourse } from '../helpers/fixtures';
import { call, dbQueries, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';

describe('bulk smoke', () => {
  it('enrolls 1000 identifiers in few round trips', async () => {
    const id = `course-v1:Bulk+${unique('C')}+R`;
    await createCourse({ id, name: 'Bulk', courseStart: null, modes: [] });
    const prefix = unique('b');
    const names = await createManyUsers(prefix, 500);
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
    expect(await activeCount(id)).toBe(500);
    expect(await countFor('enrollment_audit', id)).toBe(1000);
    expect(await countFor('outbox', id)).toBe(1000);
  });
});

describe('bulk bounds', () => {
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
