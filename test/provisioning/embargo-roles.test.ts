import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADMIN, newCourseId, provisionCourse, provisionUser } from '../helpers/provisioning-api';
import { call, dbQueries, unique } from '../helpers/request';
import { apiKeyHeader } from '../helpers/tokens';

const putEmbargo = (courseId: string, json: unknown) =>
  call(`${ADMIN}/courses/${courseId}/embargo`, { method: 'PUT', headers: apiKeyHeader, json });
const blockedOf = async (courseId: string) =>
  (await call(`${ADMIN}/courses/${courseId}`, { headers: apiKeyHeader })).body.blocked_countries;

describe('PUT /courses/{course_id}/embargo', () => {
  it('stores the list (duplicates dropped, order kept), shows it on the course, and [] lifts it', async () => {
    const id = await provisionCourse();
    const res = await putEmbargo(id, { blocked_countries: ['IR', 'CU', 'IR', 'KP'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ course_id: id, blocked_countries: ['IR', 'CU', 'KP'] });
    expect(dbQueries(res.headers)).toBe(1);
    expect(await blockedOf(id)).toEqual(['IR', 'CU', 'KP']);
    const lifted = await putEmbargo(id, { blocked_countries: [] });
    expect(lifted.body).toEqual({ course_id: id, blocked_countries: [] });
    expect(await blockedOf(id)).toEqual([]);
  });

  it('answers 404 for an unknown course and 400 naming each bad code', async () => {
    expect((await putEmbargo(newCourseId(), { blocked_countries: ['IR'] })).status).toBe(404);
    const id = await provisionCourse();
    const bad = await putEmbargo(id, { blocked_countries: ['IR', 'ir', 'ZZ', 'IRN', 7] });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.field_errors).sort()).toEqual([
      'blocked_countries.1',
      'blocked_countries.2',
      'blocked_countries.3',
      'blocked_countries.4',
    ]);
    const missing = await putEmbargo(id, {});
    expect(missing.body.field_errors).toEqual({ blocked_countries: { developer_message: 'This field is required.' } });
    expect((await putEmbargo(id, { blocked_countries: 'IR' })).status).toBe(400);
  });

  it('property: any list holding a code that is not upper-case ISO 3166 alpha-2 is a 400 and changes nothing', async () => {
    const id = await provisionCourse();
    await putEmbargo(id, { blocked_countries: ['CU'] });
    const valid = fc.constantFrom('IR', 'CU', 'KP', 'SY', 'US', 'FR');
    const invalid = fc.oneof(
      fc.string({ maxLength: 4 }).filter((s) => !/^[A-Z]{2}$/.test(s)),
      fc.constantFrom('ZZ', 'XK', 'AA', 'ir', 'Ir', 'UK', 'EU'),
      fc.integer(),
      fc.constant(null),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(valid, { maxLength: 5 }), invalid, fc.nat(5), async (good, wrong, at) => {
        const list: unknown[] = [...good];
        const position = Math.min(at, list.length);
        list.splice(position, 0, wrong);
        const res = await putEmbargo(id, { blocked_countries: list });
        expect(res.status).toBe(400);
        expect(res.body.field_errors).toHaveProperty([`blocked_countries.${position}`]);
        expect(await blockedOf(id)).toEqual(['CU']);
      }),
      { numRuns: 40 },
    );
  });
});

describe('course roles', () => {
  const putRole = (courseId: string, username: string, json: unknown) =>
    call(`${ADMIN}/courses/${courseId}/roles/${username}`, { method: 'PUT', headers: apiKeyHeader, json });
  const delRole = (courseId: string, username: string, role: string) =>
    call(`${ADMIN}/courses/${courseId}/roles/${username}/${role}`, { method: 'DELETE', headers: apiKeyHeader });

  it('grants (201), re-grants (200), holds staff and instructor side by side, and revokes (204, then 404)', async () => {
    const id = await provisionCourse();
    const username = await provisionUser();
    const granted = await putRole(id, username, { role: 'staff' });
    expect(granted.status).toBe(201);
    expect(granted.body).toEqual({ course_id: id, username, role: 'staff' });
    expect(dbQueries(granted.headers)).toBe(1);
    expect((await putRole(id, username, { role: 'staff' })).status).toBe(200);
    expect((await putRole(id, username, { role: 'instructor' })).status).toBe(201);

    const revoked = await delRole(id, username, 'staff');
    expect(revoked.status).toBe(204);
    expect(dbQueries(revoked.headers)).toBe(1);
    const again = await delRole(id, username, 'staff');
    expect(again.status).toBe(404);
    expect(again.body.error_code).toBe('role_not_found');
    expect((await delRole(id, username, 'instructor')).status).toBe(204);
  });

  it('works on legacy slash ids', async () => {
    const id = await provisionCourse(`edX/${unique('Roles')}/2015`);
    const username = await provisionUser();
    expect((await putRole(id, username, { role: 'instructor' })).status).toBe(201);
    expect((await delRole(id, username, 'instructor')).status).toBe(204);
  });

  it('answers 404 naming the unknown course or user, and writes nothing', async () => {
    const id = await provisionCourse();
    const username = await provisionUser();
    const noUser = await putRole(id, unique('ghost'), { role: 'staff' });
    expect(noUser.status).toBe(404);
    expect(noUser.body.error_code).toBe('user_not_found');
    const noCourse = await putRole(newCourseId(), username, { role: 'staff' });
    expect(noCourse.status).toBe(404);
    expect(noCourse.body.error_code).toBe('course_not_found');
    expect((await delRole(newCourseId(), username, 'staff')).body.error_code).toBe('course_not_found');
    expect((await delRole(id, unique('ghost'), 'staff')).body.error_code).toBe('user_not_found');
    // Nothing was granted by the refused calls.
    expect((await delRole(id, username, 'staff')).body.error_code).toBe('role_not_found');
  });

  it('answers 400 for an unknown role, in the body or in the path', async () => {
    const id = await provisionCourse();
    const username = await provisionUser();
    const body = await putRole(id, username, { role: 'admin' });
    expect(body.status).toBe(400);
    expect(Object.keys(body.body.field_errors)).toEqual(['role']);
    expect((await putRole(id, username, {})).body.field_errors.role.developer_message).toBe('This field is required.');
    const path = await delRole(id, username, 'admin');
    expect(path.status).toBe(400);
    expect(Object.keys(path.body.field_errors)).toEqual(['role']);
  });
});
