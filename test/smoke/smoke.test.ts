import { describe, expect, it } from 'vitest';
import { auditRows, createCourse } from '../helpers/fixtures';
import { call, dbQueries, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

describe('smoke', () => {
  it('course details + enroll round trip', async () => {
    const id = `course-v1:Smoke+${unique('C')}+R`;
    await createCourse({
      id,
      name: 'Smoke',
      courseStart: null,
      modes: [
        { slug: 'audit', name: 'Audit' },
        { slug: 'verified', name: 'Verified', minPrice: 49 },
      ],
    });
    const first = await call(`/api/enrollment/v1/course/${id}`);
    expect(first.status).toBe(200);
    expect(first.body.course_modes).toHaveLength(2);
    const second = await call(`/api/enrollment/v1/course/${id}/`);
    expect(second.headers.get('Server-Timing')).toContain('cache;desc="hit"');
    expect(dbQueries(second.headers)).toBe(0);

    const user = unique('smoke');
    const headers = await jwtHeader(user);
    await call('/api/enrollment/v1/enrollment', { headers }); // first sight of the JWT creates the user
    const post = await call('/api/enrollment/v1/enrollment', {
      method: 'POST',
      headers,
      json: { course_details: { course_id: id } },
    });
    expect(post.status, post.text).toBe(200);
    expect(post.body.mode).toBe('audit');
    expect(dbQueries(post.headers)).toBeLessThanOrEqual(3);
    const get = await call(`/api/enrollment/v1/enrollment/${user},${id}`, { headers });
    expect(get.status).toBe(200);
    expect(get.body.is_active).toBe(true);
    expect(dbQueries(get.headers)).toBeLessThanOrEqual(2);
    const list = await call(`/api/enrollment/v1/enrollment?user=${user}`, { headers: apiKeyHeader });
    expect(list.body).toHaveLength(1);
    const audit = await auditRows(id);
    expect(audit).toHaveLength(1);
    expect(audit[0]?.stateTransition).toBe('from unenrolled to enrolled');
    expect(audit[0]?.enrollmentId).not.toBeNull();
    const parallel = await Promise.all(
      Array.from({ length: 10 }, () =>
        call('/api/enrollment/v1/enrollment', {
          method: 'POST',
          headers: apiKeyHeader,
          json: { user, mode: 'verified', course_details: { course_id: id } },
        }),
      ),
    );
    expect(parallel.map((p) => p.status)).toEqual(Array(10).fill(200));
    const audit2 = (await auditRows(id)).filter((row) => row.actualMode === 'verified');
    expect(audit2.length).toBeGreaterThanOrEqual(1);
  });
});
