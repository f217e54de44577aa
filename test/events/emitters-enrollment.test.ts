import { describe, expect, it } from 'vitest';
import { API, body, postEnrollment } from '../enrollments/support';
import { createCohort, createCourse, createUser, enrollmentRow, markRetired, type User } from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';
import {
  cohortData,
  type Envelope,
  enrollmentData,
  expectEnvelope,
  expectIncreasingSeqs,
  feed,
  ofCourse,
  ofUser,
  T,
  typesOf,
} from './emitters-support';

// The Enrollment API (docs/api/enrollments.md#e5) as an emitter (docs/events.md#types).

const RETIREMENT_WORKER = 'retirement_service_worker';
const staffUser = () => createUser({ username: unique('evstaff'), isStaff: true, name: 'Staff Person' });
const asStaff = (staff: User) => jwtHeader(staff.username, { administrator: true });

async function created(user: User, courseId: string) {
  const row = await enrollmentRow(user.id, courseId);
  if (!row) throw new Error('no enrollment');
  return row.createdAt;
}

describe('E5 POST /enrollment emits course enrollment events', () => {
  it('a learner enrolling themself: one created event, its envelope and exact data', async () => {
    const course = await createCourse({ name: 'Events 101', courseEnd: Date.UTC(2031, 5, 30, 12) });
    const user = await createUser({ name: 'Ann Learner' });
    const res = await postEnrollment(body(course.id), await jwtHeader(user.username));
    expect(res.status, res.text).toBe(200);

    const events = await ofCourse(course.id);
    expect(events).toHaveLength(1);
    const [event] = events as [Envelope];
    expectEnvelope(event, T.created, course.id);
    expect(event.data).toStrictEqual(
      enrollmentData({
        user,
        course,
        mode: 'audit',
        isActive: true,
        createdAt: await created(user, course.id),
        createdBy: user,
        previous: null,
        origin: 'enrollment_api',
      }),
    );
    expect(event.data.course).toStrictEqual({
      course_key: course.id,
      display_name: 'Events 101',
      start: '2015-02-03T00:00:00Z',
      end: '2031-06-30T12:00:00Z',
    });
    expect(await ofUser(user.username)).toEqual(events);
  });

  it('an API-key-only enrollment has created_by null', async () => {
    const course = await createCourse();
    const user = await createUser();
    expect((await postEnrollment(body(course.id, { user: user.username }), apiKeyHeader)).status).toBe(200);
    const [event] = await ofCourse(course.id);
    expect(event?.type).toBe(T.created);
    expect(event?.data.created_by).toBeNull();
    expect(event?.data.origin).toBe('enrollment_api');
  });

  it('mode change, deactivation and reactivation: changed (then unenrollment.completed) with the previous state', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified', minPrice: 50 }] });
    const user = await createUser();
    const staff = await staffUser();
    const post = async (extra: Record<string, unknown>, headers: Record<string, string>) =>
      expect((await postEnrollment(body(course.id, { user: user.username, ...extra }), headers)).status).toBe(200);
    await post({}, await asStaff(staff));
    await post({ mode: 'verified' }, apiKeyHeader);
    await post({ mode: 'verified', is_active: false }, await asStaff(staff));
    await post({}, await jwtHeader(user.username));

    const events = await ofCourse(course.id);
    expect(typesOf(events)).toEqual([T.created, T.changed, T.changed, T.unenrolled, T.changed]);
    expectIncreasingSeqs(events);
    const createdAt = await created(user, course.id);
    const facts = { user, course, createdAt, origin: 'enrollment_api' };
    const [create, upgrade, deactivate, unenrolled, reactivate] = events as [
      Envelope,
      Envelope,
      Envelope,
      Envelope,
      Envelope,
    ];
    expect(create.data).toStrictEqual(
      enrollmentData({ ...facts, mode: 'audit', isActive: true, createdBy: staff, previous: null }),
    );
    expect(upgrade.data).toStrictEqual(
      enrollmentData({
        ...facts,
        mode: 'verified',
        isActive: true,
        createdBy: null,
        previous: { mode: 'audit', is_active: true },
      }),
    );
    expectEnvelope(deactivate, T.changed, course.id);
    expect(deactivate.data).toStrictEqual(
      enrollmentData({
        ...facts,
        mode: 'verified',
        isActive: false,
        createdBy: staff,
        previous: { mode: 'verified', is_active: true },
      }),
    );
    // Upstream emits both for one deactivation: the same change, back to back in the log.
    expectEnvelope(unenrolled, T.unenrolled, course.id);
    expect(unenrolled.seq).toBe(deactivate.seq + 1);
    expect(unenrolled.data).toStrictEqual(deactivate.data);
    // A re-activated learner gets the default mode, not the old one (docs/api/enrollments.md#e5-add).
    expect(reactivate.data).toStrictEqual(
      enrollmentData({
        ...facts,
        mode: 'audit',
        isActive: true,
        createdBy: user,
        previous: { mode: 'verified', is_active: false },
      }),
    );
  });

  it('a request that changes nothing emits nothing (learner, API key, a learner asking to deactivate)', async () => {
    const course = await createCourse();
    const user = await createUser();
    const self = await jwtHeader(user.username);
    expect((await postEnrollment(body(course.id), self)).status).toBe(200);
    const before = await ofCourse(course.id);
    expect(typesOf(before)).toEqual([T.created]);
    expect((await postEnrollment(body(course.id, { mode: 'audit' }), self)).status).toBe(200);
    expect((await postEnrollment(body(course.id, { user: user.username }), apiKeyHeader)).status).toBe(200);
    expect((await postEnrollment(body(course.id, { is_active: false }), self)).status).toBe(200);
    expect(await ofCourse(course.id)).toEqual(before);
    expect(await ofUser(user.username)).toEqual(before);
  });
});

describe('E5 cohorts emit cohort_membership.changed', () => {
  it('placed (previous_name null), moved (previous_name the old cohort), the same cohort again: nothing', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified' }] });
    const [a, b] = [await createCohort(course.id, 'Alpha'), await createCohort(course.id, 'Beta')];
    const user = await createUser();
    const post = async (extra: Record<string, unknown>) =>
      expect((await postEnrollment(body(course.id, { user: user.username, ...extra }), apiKeyHeader)).status).toBe(200);
    await post({ cohort: a.name });
    // Only a change of mode or activation reaches the side effects of an existing enrollment.
    await post({ mode: 'verified', cohort: b.name });
    await post({ mode: 'audit', cohort: b.name });

    const cohortEvents = await ofCourse(course.id, [T.cohort]);
    expect(cohortEvents.map((e) => e.data)).toStrictEqual([
      cohortData(user, course, 'Alpha', null),
      cohortData(user, course, 'Beta', 'Alpha'),
    ]);
    for (const event of cohortEvents) expectEnvelope(event, T.cohort, course.id);
    expect(typesOf(await ofCourse(course.id, [T.created, T.changed]))).toEqual([T.created, T.changed, T.changed]);
  });

  it('random assignment on enrollment is a placement', async () => {
    const course = await createCourse();
    await createCohort(course.id, 'Random One', 'random');
    const user = await createUser();
    expect((await postEnrollment(body(course.id), await jwtHeader(user.username))).status).toBe(200);
    const events = await ofUser(user.username);
    expect(typesOf(events).sort()).toEqual([T.cohort, T.created].sort());
    expect(events.find((e) => e.type === T.cohort)?.data).toStrictEqual(cohortData(user, course, 'Random One', null));
  });
});

describe('E7 POST /unenroll/ (retirement)', () => {
  it('changed then unenrollment.completed per active enrollment, origin retirement; inactive ones untouched', async () => {
    const [one, two, off] = [await createCourse(), await createCourse(), await createCourse()];
    const user = await createUser();
    for (const course of [one, two, off]) {
      expect((await postEnrollment(body(course.id, { user: user.username }), apiKeyHeader)).status).toBe(200);
    }
    await postEnrollment(body(off.id, { user: user.username, is_active: false }), apiKeyHeader);
    await markRetired(user);
    const res = await call(`${API}/unenroll/`, {
      method: 'POST',
      json: { username: user.username },
      headers: await jwtHeader(RETIREMENT_WORKER),
    });
    expect(res.status, res.text).toBe(200);

    for (const course of [one, two]) {
      const events = (await ofCourse(course.id)).slice(1);
      expect(typesOf(events)).toEqual([T.changed, T.unenrolled]);
      expect(events[1]?.seq).toBe((events[0]?.seq as number) + 1);
      for (const event of events) {
        expect(event.data).toMatchObject({ is_active: false, previous: { mode: 'audit', is_active: true } });
        expect(event.data.origin).toBe('retirement');
        expect(event.data.created_by?.pii.username).toBe(RETIREMENT_WORKER);
      }
    }
    expect(typesOf(await ofCourse(off.id))).toEqual([T.created, T.changed, T.unenrolled]);
  });
});

describe('seq under concurrent writers', () => {
  it('20 concurrent enrollments in one course: one created each, seqs strictly increasing and distinct', async () => {
    const course = await createCourse();
    const users = await Promise.all(Array.from({ length: 20 }, () => createUser()));
    const answers = await Promise.all(
      users.map((u) => postEnrollment(body(course.id, { user: u.username }), apiKeyHeader)),
    );
    expect(answers.map((a) => a.status)).toEqual(users.map(() => 200));
    const events = await ofCourse(course.id);
    expect(events).toHaveLength(20);
    expect(new Set(typesOf(events))).toEqual(new Set([T.created]));
    expectIncreasingSeqs(events);
    expect(new Set(events.map((e) => e.id)).size).toBe(20);
    expect(events.map((e) => e.data.user.pii.username).sort()).toEqual(users.map((u) => u.username).sort());
    // Paged by 3: the same events, each once.
    expect(await feed({ course_id: course.id, limit: 3 })).toEqual(events);
  });

  it('10 identical concurrent enrollments of one learner: exactly one created', async () => {
    const course = await createCourse();
    const user = await createUser();
    const headers = await jwtHeader(user.username);
    const answers = await Promise.all(Array.from({ length: 10 }, () => postEnrollment(body(course.id), headers)));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(typesOf(await ofCourse(course.id))).toEqual([T.created]);
  });
});
