import { describe, expect, it } from 'vitest';
import { createCourse, markRetired, userByUsername } from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

/** A run without modes (the service then offers the synthesised `audit`). */
const course = (id: string) => createCourse({ id, name: 'Smoke', courseStart: null, modes: [] });

describe('admin smoke', () => {
  it('E6–E9 answer', async () => {
    const staff = await jwtHeader(unique('staff'), { administrator: true });
    const learnerName = unique('l');
    const learner = await jwtHeader(learnerName);
    const ids = [`course-v1:OrgA+${unique('C')}+R`, `course-v1:OrgB+${unique('C')}+R`];
    for (const id of ids) {
      await course(id);
      const res = await call('/api/enrollment/v1/enrollment', {
        method: 'POST',
        headers: learner,
        json: { course_details: { course_id: id } },
      });
      expect(res.status, res.text).toBe(200);
    }
    const roles = await call('/api/enrollment/v1/roles/', { headers: learner });
    expect(roles.body).toEqual({ roles: [], is_staff: false });
    const rolesKey = await call('/api/enrollment/v1/roles/', { headers: apiKeyHeader });
    expect(rolesKey.body).toEqual({ message: "An error occurred while retrieving roles for user '" });

    const page1 = await call(`/api/enrollment/v1/enrollments/?username=${learnerName}&page_size=1`, { headers: staff });
    expect(page1.status, page1.text).toBe(200);
    expect(page1.body.results).toHaveLength(1);
    expect(page1.body.results[0].course_id).toBe(ids[1]);
    expect(page1.body.previous).toBeNull();
    const page2 = await call(new URL(page1.body.next).pathname + new URL(page1.body.next).search, { headers: staff });
    expect(page2.body.results[0].course_id).toBe(ids[0]);
    expect(page2.body.next).toBeNull();
    const back = await call(new URL(page2.body.previous).pathname + new URL(page2.body.previous).search, {
      headers: staff,
    });
    expect(back.body.results[0].course_id).toBe(ids[1]);
    expect(back.body.previous).toBeNull();
    const byCourseIds = await call(
      `/api/enrollment/v1/enrollments/?course_ids=${encodeURIComponent(ids[0]?.replace('course-v1:', '').split('+').slice(0, 2).join('+').toLowerCase() ?? '')}`,
      { headers: staff },
    );
    expect(byCourseIds.body.results.map((r: { course_id: string }) => r.course_id)).toEqual([ids[0]]);
    const bad = await call('/api/enrollment/v1/enrollments/?username=a!b&course_id=nope', { headers: staff });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.field_errors).sort()).toEqual(['course_id', 'username']);

    const email = `${unique('x')}@example.com`;
    const created = await call('/api/enrollment/v1/enrollment_allowed/', {
      method: 'POST',
      headers: staff,
      json: { email, course_id: ids[0] },
    });
    expect(created.status, created.text).toBe(201);
    const dup = await call('/api/enrollment/v1/enrollment_allowed/', {
      method: 'POST',
      headers: staff,
      json: { email, course_id: ids[0] },
    });
    expect(dup.status).toBe(409);
    const listed = await call(`/api/enrollment/v1/enrollment_allowed/?email=${email}`, { headers: staff });
    expect(listed.body).toHaveLength(1);
    const del = await call('/api/enrollment/v1/enrollment_allowed/', {
      method: 'DELETE',
      headers: staff,
      json: { email, course_id: ids[0] },
    });
    expect(del.status).toBe(204);

    const user = await userByUsername(learnerName);
    if (!user) throw new Error(`no user ${learnerName}`);
    await markRetired(user);
    const worker = await jwtHeader('retirement_service_worker');
    const un = await call('/api/enrollment/v1/unenroll/', {
      method: 'POST',
      headers: worker,
      json: { username: learnerName },
    });
    expect(un.status, un.text).toBe(200);
    expect(un.body).toEqual(['OrgA', 'OrgB']);
    const again = await call('/api/enrollment/v1/unenroll/', {
      method: 'POST',
      headers: worker,
      json: { username: learnerName },
    });
    expect(again.status).toBe(204);
    const forbidden = await call('/api/enrollment/v1/unenroll/', {
      method: 'POST',
      headers: learner,
      json: { username: learnerName },
    });
    expect(forbidden.status).toBe(403);
  });
});
