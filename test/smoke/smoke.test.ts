import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, dbQueries, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

describe('lead smoke', () => {
  it('course details + enroll round trip', async () => {
    const id = `course-v1:Smoke+${unique('C')}+R`;
    await env.DB.prepare(
      "insert into course_runs (id, course_name, org, invite_only, self_paced, bulk_email_enabled, blocked_countries, created_at, updated_at) values (?, 'Smoke', 'Smoke', 0, 0, 0, '[]', 0, 0)",
    )
      .bind(id)
      .run();
    await env.DB.prepare(
      "insert into course_modes (course_id, position, slug, name, min_price, suggested_prices, currency) values (?, 0, 'audit', 'Audit', 0, '', 'usd'), (?, 1, 'verified', 'Verified', 49, '', 'usd')",
    )
      .bind(id, id)
      .run();
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
    const audit = await env.DB.prepare('select * from enrollment_audit where course_id = ?').bind(id).all();
    expect(audit.results).toHaveLength(1);
    expect(audit.results[0]?.state_transition).toBe('from unenrolled to enrolled');
    expect(audit.results[0]?.enrollment_id).not.toBeNull();
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
    const audit2 = await env.DB.prepare(
      "select * from enrollment_audit where course_id = ? and actual_mode = 'verified'",
    )
      .bind(id)
      .all();
    expect(audit2.results.length).toBeGreaterThanOrEqual(1);
  });
});
