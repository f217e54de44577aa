import { describe, expect, it } from 'vitest';
import { createCourse, createUser, grantRole, uniqueCourseId } from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';
import { API, apiKey, expectJson, FORBIDDEN, globalStaff, learner, NOT_AUTHENTICATED } from './support';

const roles = (query: string, headers: Record<string, string>, path = `${API}/roles/`) =>
  call(`${path}${query}`, { headers });

describe('E6 GET /roles/ (#e6)', () => {
  it("lists the caller's course roles ordered by course_id then role", async () => {
    const user = await createUser();
    const stem = unique('R');
    const b = await createCourse({ id: `course-v1:OrgB+${stem}+B`, org: 'OrgB' });
    const a = await createCourse({ id: `course-v1:OrgA+${stem}+A` });
    await grantRole(b.id, user.id, 'staff');
    await grantRole(a.id, user.id, 'staff');
    await grantRole(a.id, user.id, 'instructor');
    const other = await createUser();
    await grantRole(a.id, other.id, 'staff');
    for (const path of [`${API}/roles/`, `${API}/roles`]) {
      const res = await roles('', await learner(user.username), path);
      expect(res.status, path).toBe(200);
      expectJson(res);
      expect(Object.keys(res.body)).toEqual(['roles', 'is_staff']);
      expect(res.body).toEqual({
        roles: [
          { org: 'OrgA', course_id: a.id, role: 'instructor' },
          { org: 'OrgA', course_id: a.id, role: 'staff' },
          { org: 'OrgB', course_id: b.id, role: 'staff' },
        ],
        is_staff: false,
      });
      for (const role of res.body.roles) expect(Object.keys(role)).toEqual(['org', 'course_id', 'role']);
    }
  });

  it("uses the course's org (which may differ from the key's org part)", async () => {
    const user = await createUser();
    const course = await createCourse({ org: 'RealOrg' });
    await grantRole(course.id, user.id, 'staff');
    const res = await roles('', await learner(user.username));
    expect(res.body.roles).toEqual([{ org: 'RealOrg', course_id: course.id, role: 'staff' }]);
  });

  it('filters by course_id (exact string); unknown id → []', async () => {
    const user = await createUser();
    const [a, b] = [await createCourse(), await createCourse()];
    await grantRole(a.id, user.id, 'staff');
    await grantRole(b.id, user.id, 'instructor');
    const headers = await learner(user.username);
    const filtered = await roles(`?course_id=${encodeURIComponent(b.id)}`, headers);
    expect(filtered.body).toEqual({ roles: [{ org: 'Org', course_id: b.id, role: 'instructor' }], is_staff: false });
    const unknown = await roles(`?course_id=${encodeURIComponent(uniqueCourseId())}`, headers);
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual({ roles: [], is_staff: false });
    const caseDiffers = await roles(`?course_id=${encodeURIComponent(b.id.toLowerCase())}`, headers);
    expect(caseDiffers.body.roles).toEqual([]);
    const notAKey = await roles('?course_id=garbage', headers);
    expect(notAKey.status).toBe(200);
    expect(notAKey.body.roles).toEqual([]);
  });

  it('reports is_staff for global staff, with no roles', async () => {
    const res = await roles('', await globalStaff(unique('gs')));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ roles: [], is_staff: true });
  });

  it('answers the JWT user when an API key comes along', async () => {
    const user = await createUser();
    const course = await createCourse();
    await grantRole(course.id, user.id, 'staff');
    const res = await roles('', { ...apiKey, ...(await learner(user.username)) });
    expect(res.status).toBe(200);
    expect(res.body.roles).toHaveLength(1);
  });

  it("answers 400 to an API-key-only call (username '', missing quote sic)", async () => {
    const res = await roles('', apiKey);
    expect(res.status).toBe(400);
    expectJson(res);
    expect(res.body).toEqual({ message: "An error occurred while retrieving roles for user '" });
  });

  it('answers 401 without credentials and 403 to restricted applications', async () => {
    const anon = await roles('', {});
    expect(anon.status).toBe(401);
    expect(anon.body).toEqual(NOT_AUTHENTICATED);
    const restricted = await roles('', await jwtHeader(unique('ra'), { isRestricted: true, administrator: true }));
    expect(restricted.status).toBe(403);
    expect(restricted.body).toEqual(FORBIDDEN);
  });
});
