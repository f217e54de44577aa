import { describe, expect, it } from 'vitest';
import { body, postEnrollment } from '../enrollments/support';
import { bulk, createLearner, newEmail, outboxRows } from '../helpers/bulk-fixtures';
import { createCohort, createCourse, createUser, enrollmentRow, type User, userByUsername } from '../helpers/fixtures';
import { provisionUser } from '../helpers/provisioning-api';
import { call, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';
import {
  bySubject,
  cohortData,
  enrollmentData,
  expectEnvelope,
  logEnd,
  ofCourse,
  ofUser,
  T,
  typesOf,
} from './emitters-support';

// Bulk enrollment (docs/api/bulk-enroll.md) and the allowances it leaves (#allowances) as emitters
// (docs/events.md#types).

async function staff(): Promise<{ user: User; headers: Record<string, string> }> {
  const user = await createUser({ username: unique('evbulk'), isStaff: true });
  return { user, headers: await jwtHeader(user.username, { administrator: true }) };
}

async function bulkOk(json: Record<string, unknown>, headers: Record<string, string>) {
  const res = await bulk(json, headers);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function createdAt(user: User, courseId: string) {
  return (await enrollmentRow(user.id, courseId))?.createdAt ?? -1;
}

describe('bulk enroll / unenroll', () => {
  it('enroll: created per learner (origin bulk_enroll, created_by the staff user); e-mails without an account: none', async () => {
    const course = await createCourse({ name: 'Bulk Events' });
    const [ann, bob] = [await createLearner(), await createLearner()];
    const { user: by, headers } = await staff();
    await bulkOk(
      { identifiers: `${ann.username}\n${bob.email}\n${newEmail()}`, courses: course.id, action: 'enroll' },
      headers,
    );

    const events = await ofCourse(course.id);
    expect(typesOf(events)).toEqual([T.created, T.created]);
    for (const [event, learner] of [
      [events[0], ann],
      [events[1], bob],
    ] as const) {
      expectEnvelope(event as (typeof events)[number], T.created, course.id);
      expect(event?.data).toStrictEqual(
        enrollmentData({
          user: learner,
          course,
          mode: 'audit',
          isActive: true,
          createdAt: await createdAt(learner, course.id),
          createdBy: by,
          previous: null,
          origin: 'bulk_enroll',
        }),
      );
    }
  });

  it('one learner named twice: one event; the same bulk enroll again: nothing', async () => {
    const course = await createCourse();
    const ann = await createLearner();
    const { headers } = await staff();
    const request = { identifiers: `${ann.username},${ann.email},${newEmail()}`, courses: course.id, action: 'enroll' };
    await bulkOk(request, headers);
    const before = await ofCourse(course.id);
    expect(typesOf(before)).toEqual([T.created]);
    await bulkOk(request, headers);
    await bulkOk({ ...request, identifiers: ann.email }, headers);
    expect(await ofCourse(course.id)).toEqual(before);
  });

  it('unenroll: changed then unenrollment.completed for each enrolled learner, nothing for the others', async () => {
    const course = await createCourse({ modes: [{ slug: 'honor' }] });
    const [ann, bob, cid] = [await createLearner(), await createLearner(), await createLearner()];
    const { user: by, headers } = await staff();
    await bulkOk({ identifiers: `${ann.username},${bob.username}`, courses: course.id, action: 'enroll' }, headers);
    const cursor = (await ofCourse(course.id)).at(-1)?.seq ?? 0;
    await bulkOk(
      { identifiers: `${ann.username},${bob.username},${cid.username}`, courses: course.id, action: 'unenroll' },
      headers,
    );

    const events = (await ofCourse(course.id)).filter((e) => e.seq > cursor);
    expect(typesOf(events)).toEqual([T.changed, T.unenrolled, T.changed, T.unenrolled]);
    for (const [i, learner] of [ann, ann, bob, bob].entries()) {
      expect(events[i]?.data).toStrictEqual(
        enrollmentData({
          user: learner,
          course,
          mode: 'honor',
          isActive: false,
          createdAt: await createdAt(learner, course.id),
          createdBy: by,
          previous: { mode: 'honor', is_active: true },
          origin: 'bulk_enroll',
        }),
      );
    }
    expect(events[1]?.seq).toBe((events[0]?.seq as number) + 1);
  });

  it('cohorts: placed, moved, and the same cohort again emits nothing', async () => {
    const course = await createCourse();
    const [a, b] = [await createCohort(course.id, 'Bulk A'), await createCohort(course.id, 'Bulk B')];
    const ann = await createLearner();
    const { headers } = await staff();
    const enrollInto = (cohort: string) =>
      bulkOk({ identifiers: ann.username, courses: course.id, action: 'enroll', cohorts: cohort }, headers);
    await enrollInto(a.name);
    await enrollInto(b.name);
    await enrollInto(b.name);
    const events = await ofCourse(course.id, [T.cohort]);
    for (const event of events) expectEnvelope(event, T.cohort, course.id);
    expect(events.map((e) => e.data)).toStrictEqual([
      cohortData(ann, course, 'Bulk A', null),
      cohortData(ann, course, 'Bulk B', 'Bulk A'),
    ]);
  });

  it('email_students: one edge.notification.email.v1 per queued e-mail, data exactly the outbox row', async () => {
    const course = await createCourse({ name: 'Mail Events' });
    const ann = await createLearner({ name: 'Ann Mail', language: 'fr' });
    const invited = newEmail('evmail');
    const { headers } = await staff();
    const cursor = await logEnd();
    await bulkOk(
      { identifiers: `${ann.username},${invited}`, courses: course.id, action: 'enroll', email_students: true },
      headers,
    );
    await bulkOk(
      { identifiers: `${ann.username},${invited}`, courses: course.id, action: 'unenroll', email_students: true },
      headers,
    );

    const rows = await outboxRows(course.id);
    expect(rows.map((r) => r.kind)).toEqual([
      'enrolled_enroll',
      'allowed_enroll',
      'enrolled_unenroll',
      'allowed_unenroll',
    ]);
    const events = await bySubject(cursor, [T.email], [ann.email, invited]);
    expect(events).toHaveLength(rows.length);
    for (const [i, row] of rows.entries()) {
      const event = events[i] as (typeof events)[number];
      expectEnvelope(event, T.email, row.to);
      expect(event.data).toStrictEqual({
        to: row.to,
        kind: row.kind,
        course_id: row.courseId,
        subject: row.subject,
        body: row.body,
        language: row.language,
      });
    }
  });
});

describe('an auto_enroll allowance realised', () => {
  it('by PUT /api/admin/v1/users: created with origin allowance and created_by null, the pre-assigned cohort placed', async () => {
    const course = await createCourse();
    const cohort = await createCohort(course.id, 'Waiting Room');
    const email = newEmail('evallow');
    const { headers } = await staff();
    await bulkOk(
      { identifiers: email, courses: course.id, action: 'enroll', auto_enroll: true, cohorts: cohort.name },
      headers,
    );
    expect(await ofCourse(course.id)).toEqual([]);

    const username = await provisionUser(unique('evallow'), { email, name: 'Late Comer' });
    const user = (await userByUsername(username)) as User;
    const events = await ofCourse(course.id);
    expect(typesOf(events).sort()).toEqual([T.cohort, T.created].sort());
    const createdEvent = events.find((e) => e.type === T.created) as (typeof events)[number];
    expectEnvelope(createdEvent, T.created, course.id);
    expect(createdEvent.data).toStrictEqual(
      enrollmentData({
        user,
        course,
        mode: 'audit',
        isActive: true,
        createdAt: await createdAt(user, course.id),
        createdBy: null,
        previous: null,
        origin: 'allowance',
      }),
    );
    expect(events.find((e) => e.type === T.cohort)?.data).toStrictEqual(cohortData(user, course, 'Waiting Room', null));
  });

  it('by the first JWT of the account: created with origin allowance', async () => {
    const course = await createCourse();
    const email = newEmail('evjit');
    const { headers } = await staff();
    await bulkOk({ identifiers: email, courses: course.id, action: 'enroll', auto_enroll: true }, headers);
    const username = unique('evjit');
    const signIn = await call('/api/enrollment/v1/roles/', { headers: await jwtHeader(username, { email }) });
    expect(signIn.status, signIn.text).toBe(200);
    const events = await ofUser(username);
    expect(typesOf(events)).toEqual([T.created]);
    expect(events[0]?.data).toMatchObject({ origin: 'allowance', created_by: null, previous: null, is_active: true });
  });

  it('by an e-mail change re-activating an enrollment: changed with origin allowance', async () => {
    const course = await createCourse();
    const username = await provisionUser(unique('evmove'));
    const post = (json: Record<string, unknown>) =>
      postEnrollment(body(course.id, { user: username, ...json }), apiKeyHeader);
    expect((await post({})).status).toBe(200);
    expect((await post({ is_active: false })).status).toBe(200);
    const email = newEmail('evmove');
    const { headers } = await staff();
    await bulkOk({ identifiers: email, courses: course.id, action: 'enroll', auto_enroll: true }, headers);
    const cursor = (await ofCourse(course.id)).at(-1)?.seq ?? 0;

    await provisionUser(username, { email });
    const user = (await userByUsername(username)) as User;
    const events = (await ofCourse(course.id)).filter((e) => e.seq > cursor);
    expect(typesOf(events)).toEqual([T.changed]);
    expect(events[0]?.data).toStrictEqual(
      enrollmentData({
        user,
        course,
        mode: 'audit',
        isActive: true,
        createdAt: await createdAt(user, course.id),
        createdBy: null,
        previous: { mode: 'audit', is_active: false },
        origin: 'allowance',
      }),
    );
  });
});
