import { describe, expect, it } from 'vitest';
import { createCourse, createUser, enroll, enrollmentRow, markRetired, uniquePart } from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';
import { API, apiKey, expectJson, FORBIDDEN, globalStaff, learner, NOT_AUTHENTICATED } from './support';

const WORKER = 'retirement_service_worker';
const unenroll = (json: unknown, headers: Record<string, string>, path = `${API}/unenroll/`) =>
  call(path, { method: 'POST', json, headers });

async function superuser() {
  const user = await createUser({ isSuperuser: true });
  return learner(user.username);
}

describe('E7 POST /unenroll/ (#e7)', () => {
  it('deactivates every enrollment and answers the sorted distinct orgs (incl. previously inactive)', async () => {
    const stem = uniquePart('U');
    const user = await createUser();
    const zeta = await createCourse({ id: `course-v1:zOrg+${stem}+1` });
    const zeta2 = await createCourse({ id: `course-v1:zOrg+${stem}+2` });
    const alpha = await createCourse({ id: `course-v1:aOrg+${stem}+1` });
    const mid = await createCourse({ id: `course-v1:mOrg+${stem}+1` });
    await enroll(user.id, zeta.id, { mode: 'verified' });
    await enroll(user.id, zeta2.id, { mode: 'audit' });
    await enroll(user.id, alpha.id, { mode: 'honor', isActive: false });
    await enroll(user.id, mid.id, { mode: 'audit' });
    const bystander = await createUser();
    await enroll(bystander.id, zeta.id);
    await markRetired(user);

    const res = await unenroll({ username: user.username }, await learner(WORKER));
    expect(res.status).toBe(200);
    expectJson(res);
    expect(res.body).toEqual(['aOrg', 'mOrg', 'zOrg']);
    expect(await enrollmentRow(user.id, zeta.id)).toMatchObject({ isActive: false, mode: 'verified' });
    expect(await enrollmentRow(user.id, zeta2.id)).toMatchObject({ isActive: false, mode: 'audit' });
    expect(await enrollmentRow(user.id, alpha.id)).toMatchObject({ isActive: false, mode: 'honor' });
    expect(await enrollmentRow(user.id, mid.id)).toMatchObject({ isActive: false });
    expect(await enrollmentRow(bystander.id, zeta.id)).toMatchObject({ isActive: true });

    const again = await unenroll({ username: user.username }, await learner(WORKER));
    expect(again.status).toBe(204);
    expect(again.text).toBe('');
  });

  it('is allowed to a superuser, with and without the trailing slash', async () => {
    const user = await createUser();
    const course = await createCourse();
    await enroll(user.id, course.id);
    await markRetired(user);
    const res = await unenroll({ username: user.username }, await superuser(), `${API}/unenroll`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(['Org']);
  });

  it('answers 204 when the user has no active enrollment', async () => {
    const user = await createUser();
    const course = await createCourse();
    await enroll(user.id, course.id, { isActive: false });
    await markRetired(user);
    const res = await unenroll({ username: user.username }, await learner(WORKER));
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const none = await createUser();
    await markRetired(none);
    expect((await unenroll({ username: none.username }, await learner(WORKER))).status).toBe(204);
  });

  it('answers 404 "Username not specified." without a username key', async () => {
    const res = await unenroll({}, await learner(WORKER));
    expect(res.status).toBe(404);
    expectJson(res);
    expect(res.body).toBe('Username not specified.');
    expect(res.text).toBe('"Username not specified."');
  });

  it.each([
    ['an unknown user', async () => unique('ghost')],
    ['the empty username', async () => ''],
    ['a user not marked for retirement', async () => (await createUser()).username],
  ])('answers 404 "No retirement request status for username." for %s', async (_name, name) => {
    const username = await name();
    const res = await unenroll({ username }, await superuser());
    expect(res.status).toBe(404);
    expectJson(res);
    expect(res.body).toBe('No retirement request status for username.');
  });

  it('does not touch enrollments of a user not marked for retirement', async () => {
    const user = await createUser();
    const course = await createCourse();
    await enroll(user.id, course.id);
    await unenroll({ username: user.username }, await learner(WORKER));
    expect(await enrollmentRow(user.id, course.id)).toMatchObject({ isActive: true });
  });

  it('refuses learners, global staff (not superuser) and restricted apps with 403', async () => {
    const user = await createUser();
    const course = await createCourse();
    await enroll(user.id, course.id);
    await markRetired(user);
    for (const headers of [
      await learner(unique('l')),
      await learner(user.username),
      await globalStaff(unique('gs')),
      { ...apiKey, ...(await learner(unique('l'))) },
      await jwtHeader(WORKER, { isRestricted: true }),
    ]) {
      const res = await unenroll({ username: user.username }, headers);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(FORBIDDEN);
    }
    expect(await enrollmentRow(user.id, course.id)).toMatchObject({ isActive: true });
  });

  it('refuses the API key alone (JWT only) and anonymous calls with 401', async () => {
    for (const headers of [apiKey, {}]) {
      const res = await unenroll({ username: 'x' }, headers);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(NOT_AUTHENTICATED);
    }
  });

  it('answers other methods with 405', async () => {
    const res = await call(`${API}/unenroll/`, { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toContain('POST');
  });
});
