import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { courseRuns } from '../../src/db/schema';
import { db, enrollmentRow, type User, userByUsername } from '../helpers/fixtures';
import { provisionUser } from '../helpers/provisioning-api';
import { call, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';
import { coursePath, enrollmentsPath, learner, link, provisionProgram, record, scenario } from '../programs/support';
import {
  bySubject,
  type Envelope,
  enrollmentData,
  expectEnvelope,
  logEnd,
  ofCourse,
  ofUser,
  T,
  typesOf,
} from './emitters-support';

// Program and program-course enrollments (docs/api/programs.md) as emitters (docs/events.md#types).

const CURRICULUM = 'aaaaaaaa-1111-2222-3333-444444444444';

let staff: User;
let staffHeaders: Record<string, string>;
beforeAll(async () => {
  const username = await provisionUser(unique('evprog'), { is_staff: true, name: 'Program Staff' });
  staff = (await userByUsername(username)) as User;
  staffHeaders = await jwtHeader(username, { administrator: true });
});

async function write(path: string, method: string, json: unknown, status: number) {
  const res = await call(path, { method, headers: staffHeaders, json });
  expect(res.status, res.text).toBe(status);
}

async function facts(username: string, courseId: string) {
  const user = (await userByUsername(username)) as User;
  const course = await db().select().from(courseRuns).where(eq(courseRuns.id, courseId)).get();
  const row = await enrollmentRow(user.id, courseId);
  return { user, course: course as typeof courseRuns.$inferSelect, createdAt: row?.createdAt ?? -1 };
}

const programData = (uuid: string, key: string, status: string, username: string | null, previous: unknown) => ({
  program_uuid: uuid,
  student_key: key,
  status,
  curriculum_uuid: CURRICULUM,
  username,
  previous,
});

const courseLinkData = (
  uuid: string,
  run: string,
  key: string,
  status: string,
  username: string | null,
  previous: unknown,
) => ({ program_uuid: uuid, course_key: run, student_key: key, status, username, previous });

describe('program enrollments: edge.program.enrollment.changed.v1', () => {
  it('created (previous null), status changed (previous set), unchanged re-submits and conflicts: nothing', async () => {
    const { uuid } = await scenario(0);
    const cursor = await logEnd();
    await write(enrollmentsPath(uuid), 'POST', [record('wait-1')], 201);
    await write(enrollmentsPath(uuid), 'PATCH', [record('wait-1', 'suspended')], 200);
    await write(enrollmentsPath(uuid), 'PATCH', [record('wait-1', 'suspended')], 200);
    // PUT never changes the curriculum of an existing enrollment (docs/api/programs.md#waiting).
    await write(enrollmentsPath(uuid), 'PUT', [record('wait-1', 'suspended', crypto.randomUUID())], 200);
    await write(enrollmentsPath(uuid), 'POST', [record('wait-1')], 422);

    const events = await bySubject(cursor, [T.program], [uuid]);
    for (const event of events) expectEnvelope(event, T.program, uuid);
    expect(events.map((e) => e.data)).toStrictEqual([
      programData(uuid, 'wait-1', 'enrolled', null, null),
      programData(uuid, 'wait-1', 'suspended', null, {
        status: 'enrolled',
        curriculum_uuid: CURRICULUM,
        username: null,
      }),
    ]);
  });

  it('a key already linked to an account: the event names the learner', async () => {
    const { org, uuid } = await scenario(0);
    const ann = await learner();
    expect((await link(ann.username, org.slug, 'ann-key')).status).toBe(201);
    await write(enrollmentsPath(uuid), 'POST', [record('ann-key', 'pending')], 201);
    const events = await ofUser(ann.username);
    expect(events.map((e) => e.data)).toStrictEqual([programData(uuid, 'ann-key', 'pending', ann.username, null)]);
  });
});

describe('program-course enrollments: edge.program.course_enrollment.changed.v1 and the course enrollment', () => {
  it('created for a linked learner: one program-course event, the course enrollment created with origin program', async () => {
    const { org, runs, uuid } = await scenario(1);
    const run = runs[0] as string;
    const bea = await learner();
    await link(bea.username, org.slug, 'bea');
    await write(enrollmentsPath(uuid), 'POST', [record('bea')], 201);
    await write(coursePath(uuid, run), 'POST', [{ student_key: 'bea', status: 'active' }], 200);

    const events = await ofCourse(run);
    expect(typesOf(events).sort()).toEqual([T.created, T.programCourse].sort());
    const linked = events.find((e) => e.type === T.programCourse) as Envelope;
    expectEnvelope(linked, T.programCourse, uuid);
    expect(linked.data).toStrictEqual(courseLinkData(uuid, run, 'bea', 'active', bea.username, null));
    const created = events.find((e) => e.type === T.created) as Envelope;
    expectEnvelope(created, T.created, run);
    const { user, course, createdAt } = await facts(bea.username, run);
    expect(created.data).toStrictEqual(
      enrollmentData({
        user,
        course,
        mode: 'masters',
        isActive: true,
        createdAt,
        createdBy: staff,
        previous: null,
        origin: 'program',
      }),
    );
  });

  it('status changes: the program-course event with the previous status, the course enrollment deactivated; same status: nothing', async () => {
    const { org, runs, uuid } = await scenario(1);
    const run = runs[0] as string;
    const cid = await learner();
    await link(cid.username, org.slug, 'cid');
    await write(enrollmentsPath(uuid), 'POST', [record('cid')], 201);
    await write(coursePath(uuid, run), 'POST', [{ student_key: 'cid', status: 'active' }], 200);
    const cursor = (await ofCourse(run)).at(-1)?.seq ?? 0;
    await write(coursePath(uuid, run), 'PATCH', [{ student_key: 'cid', status: 'inactive' }], 200);
    await write(coursePath(uuid, run), 'PUT', [{ student_key: 'cid', status: 'inactive' }], 200);

    const events = (await ofCourse(run)).filter((e) => e.seq > cursor);
    expect(typesOf(events).sort()).toEqual([T.changed, T.programCourse, T.unenrolled].sort());
    expect(events.find((e) => e.type === T.programCourse)?.data).toStrictEqual(
      courseLinkData(uuid, run, 'cid', 'inactive', cid.username, { status: 'active' }),
    );
    const changed = events.find((e) => e.type === T.changed) as Envelope;
    expect(changed.data).toMatchObject({ mode: 'masters', is_active: false, origin: 'program' });
    expect(changed.data.previous).toStrictEqual({ mode: 'masters', is_active: true });
    expect(events.find((e) => e.type === T.unenrolled)?.seq).toBe(changed.seq + 1);
  });
  it('a row stored while another program held the run, activated later: one program-course event (#p13)', async () => {
    const { org, runs, uuid: first } = await scenario(1);
    const run = runs[0] as string;
    const second = await provisionProgram({ org: org.shortName, runs });
    const eve = await learner();
    await link(eve.username, org.slug, 'eve');
    for (const uuid of [first, second]) await write(enrollmentsPath(uuid), 'POST', [record('eve')], 201);
    await write(coursePath(first, run), 'POST', [{ student_key: 'eve', status: 'active' }], 200);
    await write(coursePath(second, run), 'POST', [{ student_key: 'eve', status: 'inactive' }], 200);
    await write(coursePath(first, run), 'PATCH', [{ student_key: 'eve', status: 'inactive' }], 200);
    const cursor = (await ofCourse(run)).at(-1)?.seq ?? 0;
    // The second program takes the (now inactive) course enrollment over.
    await write(coursePath(second, run), 'PATCH', [{ student_key: 'eve', status: 'active' }], 200);

    const events = (await ofCourse(run)).filter((e) => e.seq > cursor);
    expect(typesOf(events).sort()).toEqual([T.changed, T.programCourse].sort());
    expect(events.find((e) => e.type === T.programCourse)?.data).toStrictEqual(
      courseLinkData(second, run, 'eve', 'active', eve.username, { status: 'inactive' }),
    );
    expect(events.find((e) => e.type === T.changed)?.data).toMatchObject({
      mode: 'masters',
      is_active: true,
      previous: { mode: 'masters', is_active: false },
      origin: 'program',
    });
  });
});

describe('linking a waiting learner (PUT …/external-ids/{provider_slug})', () => {
  it('program enrollment gets its user, program-course enrollment linked, course enrollment created with origin linking', async () => {
    const { org, runs, uuid } = await scenario(1);
    const run = runs[0] as string;
    const cursor = await logEnd();
    await write(enrollmentsPath(uuid), 'POST', [record('dee')], 201);
    await write(coursePath(uuid, run), 'POST', [{ student_key: 'dee', status: 'active' }], 200);
    expect((await ofCourse(run)).map((e) => e.data)).toStrictEqual([
      courseLinkData(uuid, run, 'dee', 'active', null, null),
    ]);

    const dee = await learner();
    expect((await link(dee.username, org.slug, 'dee')).status).toBe(201);
    const program = await bySubject(cursor, [T.program], [uuid]);
    expect(program.map((e) => e.data)).toStrictEqual([
      programData(uuid, 'dee', 'enrolled', null, null),
      programData(uuid, 'dee', 'enrolled', dee.username, {
        status: 'enrolled',
        curriculum_uuid: CURRICULUM,
        username: null,
      }),
    ]);
    const mine = await ofUser(dee.username);
    expect(typesOf(mine).sort()).toEqual([T.created, T.program, T.programCourse].sort());
    expect(mine.find((e) => e.type === T.programCourse)?.data).toStrictEqual(
      courseLinkData(uuid, run, 'dee', 'active', dee.username, { status: 'active' }),
    );
    const created = mine.find((e) => e.type === T.created) as Envelope;
    expectEnvelope(created, T.created, run);
    const { user, course, createdAt } = await facts(dee.username, run);
    expect(created.data).toStrictEqual(
      enrollmentData({
        user,
        course,
        mode: 'masters',
        isActive: true,
        createdAt,
        createdBy: null,
        previous: null,
        origin: 'linking',
      }),
    );
    // Linking the same key again realises nothing new.
    expect((await link(dee.username, org.slug, 'dee')).status).toBe(200);
    expect(await ofUser(dee.username)).toEqual(mine);
  });
});
