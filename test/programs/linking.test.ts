import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, provisionCourse } from '../helpers/provisioning-api';
import { call, dbQueries } from '../helpers/request';
import { apiKeyHeader } from '../helpers/tokens';
import {
  coursePath,
  courseRowsOf,
  enrollmentOf,
  enrollmentsPath,
  hasStaffRole,
  learner,
  link,
  programAudit,
  programChecksum,
  provisionOrg,
  provisionProgram,
  record,
  rowsOf,
  scenario,
  staffHeader,
} from './support';

// Realising waiting enrollments through the provisioning API (docs/api/programs.md#realisation).

let staff: Record<string, string>;
beforeAll(async () => {
  staff = await staffHeader();
});

const programWrite = (uuid: string, json: unknown) =>
  call(enrollmentsPath(uuid), { method: 'POST', headers: staff, json });
const courseWrite = (uuid: string, run: string, json: unknown) =>
  call(coursePath(uuid, run), { method: 'POST', headers: staff, json });
const listed = async (uuid: string) => (await call(enrollmentsPath(uuid), { headers: staff })).body.results;
const linksOf = (username: string) =>
  rowsOf(
    'select l.provider_slug, l.external_user_key from user_external_ids l join users u on u.id = l.user_id where u.username = ? order by l.id',
    username,
  );

describe('PUT /users/{username}/external-ids/{provider_slug}', () => {
  it('creates (201), repeats (200), and answers the link', async () => {
    const { org } = await scenario(0);
    const ann = await learner();
    const created = await link(ann.username, org.slug, 'ann-1');
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ username: ann.username, provider_slug: org.slug, external_user_key: 'ann-1' });
    const again = await link(ann.username, org.slug, 'ann-1');
    expect(again.status).toBe(200);
    expect(dbQueries(again.headers)).toBe(1);
  });

  it('unknown user → 404; a key held by another user → 409 and nothing changes', async () => {
    const { org } = await scenario(0);
    const missing = await link('no-such-user-xyz', org.slug, 'k');
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('user_not_found');
    const [one, two] = [await learner(), await learner()];
    await link(one.username, org.slug, 'shared');
    const before = await linksOf(two.username);
    const taken = await link(two.username, org.slug, 'shared');
    expect(taken.status).toBe(409);
    expect(taken.body.error_code).toBe('external_id_taken');
    expect(await linksOf(two.username)).toBe(before);
  });

  it('field-level 400s for the slug and the key', async () => {
    const ann = await learner();
    const res = await call(`${ADMIN}/users/${ann.username}/external-ids/bad%20slug`, {
      method: 'PUT',
      headers: apiKeyHeader,
      json: { external_user_key: '  ' },
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.field_errors).sort()).toEqual(['external_user_key', 'provider_slug']);
  });

  it('keys may contain ":" and are realised (slug and key are stored apart)', async () => {
    const { org, uuid } = await scenario(0);
    await programWrite(uuid, [record('a:b:c')]);
    const ann = await learner();
    expect((await link(ann.username, org.slug, 'a:b:c')).status).toBe(201);
    expect((await listed(uuid))[0]).toMatchObject({
      student_key: 'a:b:c',
      account_exists: true,
      username: ann.username,
    });
  });
});

describe('a new link realises the key’s waiting enrollments (#realisation)', () => {
  it('gives the program enrollment its user and enrolls the learner in masters in each run', async () => {
    const { org, runs, uuid } = await scenario(2);
    const [r1, r2] = runs as [string, string];
    await programWrite(uuid, [record('bea'), record('other')]);
    await courseWrite(uuid, r1, [{ student_key: 'bea', status: 'active' }]);
    await courseWrite(uuid, r2, [{ student_key: 'bea', status: 'inactive', course_staff: true }]);
    const bea = await learner();
    const res = await link(bea.username, org.slug, 'bea');
    expect(res.status).toBe(201);
    // One read, one atomic write batch.
    expect(dbQueries(res.headers)).toBe(2);
    expect(
      (await listed(uuid)).map((r: { student_key: string; account_exists: boolean }) => [
        r.student_key,
        r.account_exists,
      ]),
    ).toEqual([
      ['bea', true],
      ['other', false],
    ]);
    const e1 = await enrollmentOf(bea.username, r1);
    const e2 = await enrollmentOf(bea.username, r2);
    expect(e1).toMatchObject({ mode: 'masters', isActive: 1 });
    expect(e2).toMatchObject({ mode: 'masters', isActive: 0 });
    expect((await courseRowsOf(uuid, r1))[0]?.courseEnrollmentId).toBe(e1?.id);
    expect((await courseRowsOf(uuid, r2))[0]?.courseEnrollmentId).toBe(e2?.id);
    // Pending course staff realised.
    expect(await hasStaffRole(bea.username, r2)).toBe(true);
    expect(
      await rowsOf(
        'select * from pending_course_roles where program_course_enrollment_id in (select id from program_course_enrollments where program_uuid = ?)',
        uuid,
      ),
    ).toBe('[]');
    // Audited like other enrollment changes; the API key alone has no actor.
    expect(await programAudit(r1)).toEqual([
      expect.objectContaining({
        enrolledBy: null,
        transition: 'from unenrolled to enrolled',
        mode: 'masters',
        enrollmentId: e1?.id,
      }),
    ]);
  });

  it('reuses an active enrollment (audit → masters)', async () => {
    const { org, runs, uuid } = await scenario(1);
    const run = runs[0] as string;
    await programWrite(uuid, [record('cid')]);
    await courseWrite(uuid, run, [{ student_key: 'cid', status: 'active' }]);
    const cid = await learner();
    await call('/api/enrollment/v1/enrollment', {
      method: 'POST',
      headers: cid.headers,
      json: { course_details: { course_id: run } },
    });
    const before = await enrollmentOf(cid.username, run);
    expect(before).toMatchObject({ mode: 'audit', isActive: 1 });
    await link(cid.username, org.slug, 'cid');
    expect(await enrollmentOf(cid.username, run)).toMatchObject({ id: before?.id, mode: 'masters', isActive: 1 });
  });

  it('only programs owned by the provider’s organization; programs missing from the catalog are skipped', async () => {
    const mine = await scenario(0);
    const other = await scenario(0);
    await programWrite(mine.uuid, [record('dee')]);
    await programWrite(other.uuid, [record('dee')]);
    const dee = await learner();
    await link(dee.username, mine.org.slug, 'dee');
    expect((await listed(mine.uuid))[0]).toMatchObject({ account_exists: true });
    expect((await listed(other.uuid))[0]).toMatchObject({ account_exists: false });
  });

  it('a new key replaces the old one and realises the new key', async () => {
    const { org, uuid } = await scenario(0);
    await programWrite(uuid, [record('new-key')]);
    const eli = await learner();
    await link(eli.username, org.slug, 'old-key');
    const res = await link(eli.username, org.slug, 'new-key');
    expect(res.status).toBe(200);
    expect(await linksOf(eli.username)).toBe(
      JSON.stringify([{ provider_slug: org.slug, external_user_key: 'new-key' }]),
    );
    expect((await listed(uuid))[0]).toMatchObject({ account_exists: true, username: eli.username });
  });

  it('a program the user is already enrolled in (another key) keeps its waiting enrollment', async () => {
    const { org, uuid } = await scenario(0);
    const flo = await learner();
    await link(flo.username, org.slug, 'flo-1');
    await programWrite(uuid, [record('flo-1'), record('flo-2', 'enrolled', 'bbbbbbbb-1111-2222-3333-444444444444')]);
    expect((await link(flo.username, org.slug, 'flo-2')).status).toBe(200);
    const rows = await listed(uuid);
    expect(
      rows.map((r: { student_key: string; account_exists: boolean }) => [r.student_key, r.account_exists]),
    ).toEqual([
      ['flo-1', true],
      ['flo-2', false],
    ]);
  });

  it('a run that no longer exists aborts the link: 409, nothing changes', async () => {
    const org = await provisionOrg();
    const run = await provisionCourse();
    const uuid = await provisionProgram({ org: org.shortName, runs: [run] });
    await programWrite(uuid, [record('gil')]);
    await courseWrite(uuid, run, [{ student_key: 'gil', status: 'active' }]);
    expect((await call(`${ADMIN}/courses/${run}`, { method: 'DELETE', headers: apiKeyHeader })).status).toBe(204);
    const gil = await learner();
    const before = [await programChecksum(uuid, [run]), await linksOf(gil.username)].join();
    const res = await link(gil.username, org.slug, 'gil');
    expect(res.status).toBe(409);
    expect(res.body.error_code).toBe('program_course_enrollment_failed');
    expect(res.body.developer_message).toContain(run);
    expect([await programChecksum(uuid, [run]), await linksOf(gil.username)].join()).toBe(before);
  });

  it('a learner already active in the run through another program: 409, nothing changes', async () => {
    const first = await scenario(1);
    const run = first.runs[0] as string;
    const hip = await learner();
    await link(hip.username, first.org.slug, 'hip-a');
    await programWrite(first.uuid, [record('hip-a')]);
    await courseWrite(first.uuid, run, [{ student_key: 'hip-a', status: 'active' }]);
    // A second program of the same organization enrolled the learner under another key, still waiting.
    const second = await provisionProgram({ org: first.org.shortName, runs: [run] });
    await programWrite(second, [record('hip-b')]);
    await courseWrite(second, run, [{ student_key: 'hip-b', status: 'active' }]);
    const before = await programChecksum(second, [run]);
    const res = await link(hip.username, first.org.slug, 'hip-b');
    expect(res.status).toBe(409);
    expect(await programChecksum(second, [run])).toBe(before);
    // An inactive waiting row does not block: it stays unlinked.
    await call(coursePath(second, run), {
      method: 'PATCH',
      headers: staff,
      json: [{ student_key: 'hip-b', status: 'inactive' }],
    });
    expect((await link(hip.username, first.org.slug, 'hip-b')).status).toBe(200);
    expect((await courseRowsOf(second, run))[0]).toMatchObject({ status: 'inactive', courseEnrollmentId: null });
    expect(await enrollmentOf(hip.username, run)).toMatchObject({ isActive: 1 });
  });

  it('the organization’s provider slug decides: a link under an unknown slug realises nothing', async () => {
    const { uuid } = await scenario(0);
    await programWrite(uuid, [record('ivy')]);
    const ivy = await learner();
    expect((await link(ivy.username, 'unattached-slug', 'ivy')).status).toBe(201);
    expect((await listed(uuid))[0]).toMatchObject({ account_exists: false });
    const count = await env.DB.prepare('select count(*) as n from user_external_ids where provider_slug = ?')
      .bind('unattached-slug')
      .first<{ n: number }>();
    expect(count?.n).toBeGreaterThan(0);
  });
});
