import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { newCourseId, provisionCourse, provisionUser } from '../helpers/provisioning-api';
import { call, dbQueries } from '../helpers/request';
import {
  coursePath,
  courseRowsOf,
  enrollmentOf,
  enrollmentsPath,
  hasStaffRole,
  learner,
  link,
  newUuid,
  PROGRAM_NOT_FOUND,
  pathId,
  programAudit,
  programChecksum,
  provisionProgram,
  record,
  scenario,
  staffHeader,
  userIdOf,
} from './support';

const CURRICULUM = 'aaaaaaaa-1111-2222-3333-444444444444';

let staff: Record<string, string>;
let staffName: string;
beforeAll(async () => {
  staff = await staffHeader();
  staffName = JSON.parse(atob((staff.Authorization as string).split('.')[1] as string)).preferred_username;
});

const programWrite = (uuid: string, json: unknown, method = 'POST') =>
  call(enrollmentsPath(uuid), { method, headers: staff, json });
const write = (method: string, uuid: string, courseId: string, json: unknown) =>
  call(coursePath(uuid, courseId), { method, headers: staff, json });
const active = (key: string, extra: Record<string, unknown> = {}) => ({ student_key: key, status: 'active', ...extra });
const inactive = (key: string, extra: Record<string, unknown> = {}) => ({
  student_key: key,
  status: 'inactive',
  ...extra,
});

/** A scenario with program enrollments for `keys` (waiting unless linked later). */
async function enrolled(keys: string[], runCount = 1) {
  const s = await scenario(runCount);
  if (keys.length)
    expect(
      (
        await programWrite(
          s.uuid,
          keys.map((k) => record(k)),
        )
      ).status,
    ).toBe(201);
  return { ...s, run: s.runs[0] as string };
}

/** A stored learner linked to `key` under the scenario's provider. */
async function linked(slug: string, key: string) {
  const person = await learner();
  expect((await link(person.username, slug, key)).status).toBe(201);
  return person.username;
}

describe('program-course writes: checks (#course-write), in order, all 404', () => {
  it('program, course key, run, active curriculum, run in the active curriculum', async () => {
    const { run, uuid } = await enrolled(['a']);
    const body = [active('a')];
    const missingProgram = await write('POST', newUuid(), run, body);
    expect(missingProgram.status).toBe(404);
    expect(missingProgram.body).toEqual(PROGRAM_NOT_FOUND);
    // The program check comes before the key check.
    expect((await write('POST', newUuid(), 'not-a-key', body)).body).toEqual(PROGRAM_NOT_FOUND);
    expect((await write('POST', uuid, 'not-a-key', body)).body).toEqual({
      developer_message: 'The provided course key cannot be parsed.',
      error_code: 'invalid_course_key',
    });
    const unknownRun = newCourseId();
    expect((await write('POST', uuid, unknownRun, body)).body).toEqual({
      developer_message: `Requested grade for unknown course ${unknownRun}`,
      error_code: 'course_does_not_exist',
    });
    const orphan = await provisionCourse();
    const noActive = await provisionProgram({ runs: [orphan], noActiveCurriculum: true });
    expect((await write('POST', noActive, orphan, body)).body).toEqual({
      developer_message: 'the program does not have an active curriculum',
      error_code: 'no_active_curriculum',
    });
    expect((await write('POST', uuid, orphan, body)).body).toEqual({
      developer_message: "the program's curriculum does not contain the given course",
      error_code: 'course_not_in_program',
    });
  });

  it('only the active curriculum counts: runs of an inactive curriculum, top-level courses or child programs are refused', async () => {
    const [activeRun, inactiveRun, topRun, childRun] = [
      await provisionCourse(),
      await provisionCourse(),
      await provisionCourse(),
      await provisionCourse(),
    ];
    const uuid = await provisionProgram({
      runs: [activeRun],
      inactiveRuns: [inactiveRun],
      topLevelRuns: [topRun],
      childRuns: [childRun],
    });
    await programWrite(uuid, [record('k')]);
    for (const run of [inactiveRun, topRun, childRun]) {
      expect((await write('PUT', uuid, run, [active('k')])).body.error_code).toBe('course_not_in_program');
    }
    expect((await write('PUT', uuid, activeRun, [active('k')])).status).toBe(200);
  });

  it('accepts the run id percent-encoded', async () => {
    const { run, uuid } = await enrolled(['a']);
    const res = await call(coursePath(uuid, pathId(run)), { method: 'POST', headers: staff, json: [active('a')] });
    expect(res.status).toBe(200);
    const listed = await call(coursePath(uuid, pathId(run)), { headers: staff });
    expect(listed.body.results).toHaveLength(1);
  });
});

describe('program-course writes: results (#course-write)', () => {
  it('waiting learners: rows only, 200 for all-success POST', async () => {
    const { run, uuid } = await enrolled(['a', 'b']);
    const res = await write('POST', uuid, run, [active('a'), inactive('b')]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ a: 'active', b: 'inactive' });
    expect(await courseRowsOf(uuid, run)).toEqual([
      { key: 'a', status: 'active', courseEnrollmentId: null },
      { key: 'b', status: 'inactive', courseEnrollmentId: null },
    ]);
  });

  it('duplicated, conflict, invalid-status, not-in-program and not-found; 207 and 422', async () => {
    const { run, uuid } = await enrolled(['a', 'b', 'c', 'd']);
    await write('POST', uuid, run, [active('c')]);
    const post = await write('POST', uuid, run, [
      active('a'),
      active('b'),
      inactive('b'),
      active('c'),
      { student_key: 'd', status: 'enrolled' },
      active('stranger'),
    ]);
    expect(post.status).toBe(207);
    expect(post.body).toEqual({
      a: 'active',
      b: 'duplicated',
      c: 'conflict',
      d: 'invalid-status',
      stranger: 'not-in-program',
    });
    const patch = await write('PATCH', uuid, run, [inactive('d'), active('stranger')]);
    expect(patch.status).toBe(422);
    expect(patch.body).toEqual({ d: 'not-found', stranger: 'not-in-program' });
    const put = await write('PUT', uuid, run, [inactive('a'), active('d')]);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ a: 'inactive', d: 'active' });
    expect((await courseRowsOf(uuid, run)).map((r) => [r.key, r.status])).toEqual([
      ['c', 'active'],
      ['a', 'inactive'],
      ['d', 'active'],
    ]);
  });

  it('program enrollments are found by (program, key) across curricula', async () => {
    const { run, uuid } = await enrolled([]);
    await programWrite(uuid, [record('other', 'enrolled', 'bbbbbbbb-1111-2222-3333-444444444444')]);
    expect((await write('POST', uuid, run, [active('other')])).status).toBe(200);
  });

  it('malformed bodies are 400 (not 422), the record limit 413; nothing written', async () => {
    const { run, uuid } = await enrolled(['a']);
    const before = await programChecksum(uuid, [run]);
    for (const body of [
      { student_key: 'a', status: 'active' },
      [7],
      [{ status: 'active' }],
      [{ student_key: '', status: 'active' }],
      [{ student_key: 'a' }],
      [{ student_key: 'a', status: null }],
      [active('a', { course_staff: 'yes' })],
    ]) {
      const res = await write('POST', uuid, run, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toBe('invalid enrollment record');
    }
    const tooMany = await write(
      'PUT',
      uuid,
      run,
      Array.from({ length: 26 }, (_, i) => active(`k${i}`)),
    );
    expect(tooMany.status).toBe(413);
    expect(tooMany.body).toBe('enrollment limit 25');
    expect(await programChecksum(uuid, [run])).toBe(before);
  });
});

describe('realised learners get masters course enrollments (#course-enrollments-made)', () => {
  it('create enrolls in masters, links the enrollment and audits it', async () => {
    const { org, run, uuid } = await enrolled([]);
    const alice = await linked(org.slug, 'alice');
    await programWrite(uuid, [record('alice')]);
    const res = await write('POST', uuid, run, [active('alice')]);
    expect(res.body).toEqual({ alice: 'active' });
    const enrollment = await enrollmentOf(alice, run);
    expect(enrollment).toMatchObject({ mode: 'masters', isActive: 1 });
    expect(await courseRowsOf(uuid, run)).toEqual([
      { key: 'alice', status: 'active', courseEnrollmentId: enrollment?.id },
    ]);
    expect(await programAudit(run)).toEqual([
      {
        email: `${alice}@example.com`,
        enrolledBy: staffName,
        transition: 'from unenrolled to enrolled',
        mode: 'masters',
        isActive: 1,
        enrollmentId: enrollment?.id,
        source: 'program_enrollments',
      },
    ]);
  });

  it('an active audit enrollment becomes masters; an active verified one keeps its mode', async () => {
    const { org, runs, uuid } = await enrolled([], 2);
    const [auditRun, verifiedRun] = runs as [string, string];
    const bob = await linked(org.slug, 'bob');
    await programWrite(uuid, [record('bob')]);
    // Enrollments made outside the program (seeded in D1 directly).
    const now = Date.now();
    const insert = env.DB.prepare(
      'insert into enrollments (user_id, course_id, mode, is_active, created_at, updated_at) values (?, ?, ?, 1, ?, ?)',
    );
    const bobId = await userIdOf(bob);
    await env.DB.batch([
      insert.bind(bobId, auditRun, 'audit', now, now),
      insert.bind(bobId, verifiedRun, 'verified', now, now),
    ]);
    const before = await enrollmentOf(bob, auditRun);
    expect((await write('POST', uuid, auditRun, [active('bob')])).status).toBe(200);
    expect((await write('POST', uuid, verifiedRun, [active('bob')])).status).toBe(200);
    expect(await enrollmentOf(bob, auditRun)).toMatchObject({ id: before?.id, mode: 'masters', isActive: 1 });
    expect(await enrollmentOf(bob, verifiedRun)).toMatchObject({ mode: 'verified', isActive: 1 });
    // Only the audit → masters change is an enrollment change worth a record.
    expect((await programAudit(auditRun)).map((a) => a.transition)).toEqual(['from enrolled to enrolled']);
    expect(await programAudit(verifiedRun)).toEqual([]);
  });

  it('inactive creates a deactivated masters enrollment; status changes (de)activate it, mode untouched', async () => {
    const { org, run, uuid } = await enrolled([]);
    const carol = await linked(org.slug, 'carol');
    await programWrite(uuid, [record('carol')]);
    await write('POST', uuid, run, [inactive('carol')]);
    expect(await enrollmentOf(carol, run)).toMatchObject({ mode: 'masters', isActive: 0 });
    await env.DB.prepare("update enrollments set mode = 'professional' where course_id = ?").bind(run).run();
    expect((await write('PATCH', uuid, run, [active('carol')])).body).toEqual({ carol: 'active' });
    expect(await enrollmentOf(carol, run)).toMatchObject({ mode: 'professional', isActive: 1 });
    expect((await write('PUT', uuid, run, [inactive('carol')])).body).toEqual({ carol: 'inactive' });
    expect(await enrollmentOf(carol, run)).toMatchObject({ mode: 'professional', isActive: 0 });
    // The same status is a no-op: no audit record.
    const audits = (await programAudit(run)).length;
    expect((await write('PATCH', uuid, run, [inactive('carol')])).status).toBe(200);
    expect((await programAudit(run)).length).toBe(audits);
    expect((await programAudit(run)).map((a) => a.transition)).toEqual([
      'from unenrolled to unenrolled',
      'from unenrolled to enrolled',
      'from enrolled to unenrolled',
    ]);
  });

  it('program-level status changes do not cascade to course enrollments', async () => {
    const { org, run, uuid } = await enrolled([]);
    const dan = await linked(org.slug, 'dan');
    await programWrite(uuid, [record('dan')]);
    await write('POST', uuid, run, [active('dan')]);
    await programWrite(uuid, [{ student_key: 'dan', status: 'canceled' }], 'PATCH');
    expect(await enrollmentOf(dan, run)).toMatchObject({ isActive: 1 });
  });
});

describe('one active program-course enrollment per run across programs (#p13, P9)', () => {
  it('a second active one is a conflict; inactive is stored without touching the other program', async () => {
    const first = await enrolled([]);
    const eve = await linked(first.org.slug, 'eve');
    await programWrite(first.uuid, [record('eve')]);
    expect((await write('POST', first.uuid, first.run, [active('eve')])).status).toBe(200);
    const second = await provisionProgram({ org: first.org.shortName, runs: [first.run] });
    await programWrite(second, [record('eve')]);
    const conflict = await write('POST', second, first.run, [active('eve')]);
    expect(conflict.status).toBe(422);
    expect(conflict.body).toEqual({ eve: 'conflict' });
    const parked = await write('POST', second, first.run, [inactive('eve')]);
    expect(parked.body).toEqual({ eve: 'inactive' });
    expect(await enrollmentOf(eve, first.run)).toMatchObject({ isActive: 1 });
    expect((await courseRowsOf(second, first.run))[0]).toMatchObject({ courseEnrollmentId: null });
    expect((await write('PATCH', second, first.run, [active('eve')])).body).toEqual({ eve: 'conflict' });
  });

  it('an inactive enrollment of another program is taken over', async () => {
    const first = await enrolled([]);
    const fay = await linked(first.org.slug, 'fay');
    await programWrite(first.uuid, [record('fay')]);
    await write('POST', first.uuid, first.run, [inactive('fay')]);
    const enrollment = await enrollmentOf(fay, first.run);
    const second = await provisionProgram({ org: first.org.shortName, runs: [first.run] });
    await programWrite(second, [record('fay')]);
    expect((await write('POST', second, first.run, [active('fay')])).body).toEqual({ fay: 'active' });
    expect(await enrollmentOf(fay, first.run)).toMatchObject({ id: enrollment?.id, isActive: 1 });
    expect((await courseRowsOf(first.uuid, first.run))[0]?.courseEnrollmentId).toBeNull();
    expect((await courseRowsOf(second, first.run))[0]?.courseEnrollmentId).toBe(enrollment?.id);
  });
});

describe('course_staff (#p14)', () => {
  it('realised: grants and revokes the staff role; waiting: pending until linked; listed as course_staff', async () => {
    const { org, run, uuid } = await enrolled(['waiting']);
    const gus = await linked(org.slug, 'gus');
    await programWrite(uuid, [record('gus')]);
    const res = await write('POST', uuid, run, [
      active('gus', { course_staff: true }),
      active('waiting', { course_staff: true }),
    ]);
    expect(res.status).toBe(200);
    expect(await hasStaffRole(gus, run)).toBe(true);
    const listed = await call(coursePath(uuid, run), { headers: staff });
    // Rows in creation (id) order: the records' order.
    expect(listed.body.results).toEqual([
      { student_key: 'gus', status: 'active', account_exists: true, curriculum_uuid: CURRICULUM, course_staff: true },
      {
        student_key: 'waiting',
        status: 'active',
        account_exists: false,
        curriculum_uuid: CURRICULUM,
        course_staff: true,
      },
    ]);
    await write('PATCH', uuid, run, [
      active('gus', { course_staff: false }),
      active('waiting', { course_staff: false }),
    ]);
    expect(await hasStaffRole(gus, run)).toBe(false);
    const after = await call(coursePath(uuid, run), { headers: staff });
    expect(after.body.results.map((r: { course_staff: boolean }) => r.course_staff)).toEqual([false, false]);
  });

  it('an absent course_staff leaves the role alone', async () => {
    const { org, run, uuid } = await enrolled([]);
    const hal = await linked(org.slug, 'hal');
    await programWrite(uuid, [record('hal')]);
    await write('POST', uuid, run, [active('hal', { course_staff: true })]);
    await write('PATCH', uuid, run, [inactive('hal')]);
    expect(await hasStaffRole(hal, run)).toBe(true);
  });
});

describe('GET program-course enrollments (#course-list-get)', () => {
  it('checks the run first, then the program; baseline: the run need not be in the program', async () => {
    const { uuid } = await enrolled([]);
    expect((await call(coursePath(newUuid(), 'garbage'), { headers: staff })).body.error_code).toBe(
      'invalid_course_key',
    );
    const unknown = newCourseId();
    expect((await call(coursePath(newUuid(), unknown), { headers: staff })).body.error_code).toBe(
      'course_does_not_exist',
    );
    const outside = await provisionCourse();
    expect((await call(coursePath(newUuid(), outside), { headers: staff })).body).toEqual(PROGRAM_NOT_FOUND);
    const res = await call(coursePath(uuid, outside), { headers: staff });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ next: null, previous: null, results: [] });
  });

  it('pages by id with a cursor, one query per page', async () => {
    const { run, uuid } = await enrolled(['a', 'b', 'c']);
    await write('POST', uuid, run, [active('a'), active('b'), inactive('c')]);
    const first = await call(`${coursePath(uuid, run)}?page_size=2`, { headers: staff });
    expect(first.body.results.map((r: { student_key: string }) => r.student_key)).toEqual(['a', 'b']);
    expect(dbQueries(first.headers)).toBe(1);
    const next = new URL(first.body.next);
    const second = await call(next.pathname + next.search, { headers: staff });
    expect(second.body.results).toEqual([
      { student_key: 'c', status: 'inactive', account_exists: false, curriculum_uuid: CURRICULUM, course_staff: false },
    ]);
    expect(second.body.next).toBeNull();
  });
});

describe('round trips of a 25-record program-course write', () => {
  it('25 realised learners (enroll + audit + link + roles): at most 8 D1 queries (measured: 2)', async () => {
    const { org, run, uuid } = await enrolled([]);
    const keys = Array.from({ length: 25 }, (_, i) => `rc${i}`);
    for (const key of keys) {
      const user = await provisionUser();
      await link(user, org.slug, key);
    }
    await programWrite(
      uuid,
      keys.map((k) => record(k)),
    );
    const post = await write(
      'POST',
      uuid,
      run,
      keys.map((k) => active(k, { course_staff: true })),
    );
    expect(post.status).toBe(200);
    expect(dbQueries(post.headers)).toBeLessThanOrEqual(8);
    expect(dbQueries(post.headers)).toBe(2);
    const rows = await courseRowsOf(uuid, run);
    expect(rows.filter((r) => r.courseEnrollmentId !== null)).toHaveLength(25);
    const put = await write(
      'PUT',
      uuid,
      run,
      keys.map((k) => inactive(k)),
    );
    expect(put.status).toBe(200);
    expect(dbQueries(put.headers)).toBe(2);
    console.log(
      `25-record program-course writes: POST ${dbQueries(post.headers)}, PUT ${dbQueries(put.headers)} D1 queries`,
    );
  });
});

describe('concurrent identical program-course writes', () => {
  it('10 parallel PUTs for a realised learner: one row, one linked masters enrollment', async () => {
    const { org, run, uuid } = await enrolled([]);
    const ida = await linked(org.slug, 'ida');
    await programWrite(uuid, [record('ida')]);
    const answers = await Promise.all(Array.from({ length: 10 }, () => write('PUT', uuid, run, [active('ida')])));
    for (const a of answers) expect(a.status).toBe(200);
    const rows = await courseRowsOf(uuid, run);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.courseEnrollmentId).toBe((await enrollmentOf(ida, run))?.id);
    expect((await programAudit(run)).length).toBe(1);
  });
});
