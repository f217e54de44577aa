import { describe, expect, it, vi } from 'vitest';
import { userOrgPreferences } from '../../src/db/schema';
import {
  addToCohort,
  attributes,
  auditRows,
  cohortOf,
  createCohort,
  createCourse,
  createUser,
  db,
  enroll,
  enrollmentRow,
  enrollmentRows,
  grantRole,
  orgOptIn,
  snapshot,
  userByUsername,
} from '../helpers/fixtures';
import { dbQueries, unique } from '../helpers/request';
import { apiKey, body, globalStaff, learner, postEnrollment } from './support';

/** E5 side effects (#e5-side-effects), audit records, round trips and concurrency. */
async function orgCourse(modes = [{ slug: 'audit' }, { slug: 'honor' }, { slug: 'verified' }]) {
  return createCourse({ org: unique('Org'), modes });
}

describe('E5 side effects: enrollment_attributes (#e5-side-effects)', () => {
  it('stores attributes on a new enrollment and upserts them on a change', async () => {
    const course = await orgCourse();
    const user = await createUser();
    const first = await postEnrollment(
      body(course.id, {
        user: user.username,
        mode: 'audit',
        enrollment_attributes: [
          { namespace: 'order', name: 'order_number', value: 'EDX-1' },
          { namespace: 'credit', name: 'provider_id', value: 'hogwarts' },
        ],
      }),
      apiKey,
    );
    expect(first.status).toBe(200);
    const row = await enrollmentRow(user.id, course.id);
    expect(await attributes(row?.id ?? -1)).toEqual([
      { namespace: 'credit', name: 'provider_id', value: 'hogwarts' },
      { namespace: 'order', name: 'order_number', value: 'EDX-1' },
    ]);
    const second = await postEnrollment(
      body(course.id, {
        user: user.username,
        mode: 'verified',
        enrollment_attributes: [
          { namespace: 'order', name: 'order_number', value: 'EDX-2' },
          { namespace: 'order', name: 'sku', value: 'S1' },
        ],
      }),
      apiKey,
    );
    expect(second.status).toBe(200);
    expect(await attributes(row?.id ?? -1)).toEqual([
      { namespace: 'credit', name: 'provider_id', value: 'hogwarts' },
      { namespace: 'order', name: 'order_number', value: 'EDX-2' },
      { namespace: 'order', name: 'sku', value: 'S1' },
    ]);
  });

  it('stores attributes sent by a learner enrolling themself', async () => {
    const course = await orgCourse();
    const user = await createUser();
    const res = await postEnrollment(
      body(course.id, { enrollment_attributes: [{ namespace: 'a', name: 'b', value: 'c' }] }),
      await learner(user.username),
    );
    expect(res.status).toBe(200);
    const row = await enrollmentRow(user.id, course.id);
    expect(await attributes(row?.id ?? -1)).toEqual([{ namespace: 'a', name: 'b', value: 'c' }]);
  });
});

describe('E5 side effects: cohort (#e5-side-effects)', () => {
  it('places a newly enrolled learner in the named cohort, leaving their other cohort (API key)', async () => {
    const course = await orgCourse();
    const user = await createUser();
    const alpha = await createCohort(course.id, 'Alpha');
    await createCohort(course.id, 'Beta');
    await addToCohort(alpha, user.id);
    const res = await postEnrollment(body(course.id, { user: user.username, cohort: 'Beta' }), apiKey);
    expect(res.status).toBe(200);
    expect(await cohortOf(user.id, course.id)).toBe('Beta');
  });

  it('moves the target on a privileged change (global staff) and keeps them when already there', async () => {
    const course = await orgCourse();
    const user = await createUser();
    await enroll(user.id, course.id, { mode: 'audit' });
    const alpha = await createCohort(course.id, 'Alpha');
    await createCohort(course.id, 'Beta');
    await addToCohort(alpha, user.id);
    const staff = await globalStaff(unique('gs'));
    const moved = await postEnrollment(body(course.id, { user: user.username, mode: 'honor', cohort: 'Beta' }), staff);
    expect(moved.status).toBe(200);
    expect(await cohortOf(user.id, course.id)).toBe('Beta');
    const same = await postEnrollment(
      body(course.id, { user: user.username, mode: 'verified', cohort: 'Beta' }),
      staff,
    );
    expect(same.status).toBe(200);
    expect(await cohortOf(user.id, course.id)).toBe('Beta');
  });

  it('lets course staff name a cohort when enrolling themself', async () => {
    const course = await orgCourse();
    const user = await createUser();
    await grantRole(course.id, user.id, 'instructor');
    await createCohort(course.id, 'Staff Room');
    const res = await postEnrollment(body(course.id, { cohort: 'Staff Room' }), await learner(user.username));
    expect(res.status).toBe(200);
    expect(await cohortOf(user.id, course.id)).toBe('Staff Room');
  });
});

describe('E5 side effects: email_opt_in on the target (#e5-side-effects, D6)', () => {
  it('sets the TARGET’s org preference, not the caller’s', async () => {
    const course = await orgCourse();
    const user = await createUser();
    const staffName = unique('gs');
    const res = await postEnrollment(
      body(course.id, { user: user.username, email_opt_in: true }),
      await globalStaff(staffName),
    );
    expect(res.status).toBe(200);
    expect(await orgOptIn(user.id, course.org)).toBe('True');
    const staff = await userByUsername(staffName);
    expect(await orgOptIn(staff?.id ?? -1, course.org)).toBeNull();
  });

  it('works for an API-key-only call (upstream crashed, D6)', async () => {
    const course = await orgCourse();
    const user = await createUser();
    const res = await postEnrollment(body(course.id, { user: user.username, email_opt_in: false }), apiKey);
    expect(res.status).toBe(200);
    expect(await orgOptIn(user.id, course.org)).toBe('False');
  });

  it.each([
    [true, 'True'],
    [false, 'False'],
    ['true', 'True'],
    ['TRUE', 'True'],
    ['False', 'False'],
    ['fAlSe', 'False'],
    ['yes', null],
    [1, null],
    [0, null],
    [null, null],
    ['', null],
  ])('email_opt_in %j → %j', async (value, stored) => {
    const course = await orgCourse();
    const user = await createUser();
    const res = await postEnrollment(body(course.id, { email_opt_in: value }), await learner(user.username));
    expect(res.status).toBe(200);
    expect(await orgOptIn(user.id, course.org)).toBe(stored);
  });

  it('overwrites an existing preference and ignores other values', async () => {
    const course = await orgCourse();
    const user = await createUser();
    await db()
      .insert(userOrgPreferences)
      .values({ userId: user.id, org: course.org, emailOptIn: 'True', updatedAt: 1 });
    await postEnrollment(body(course.id, { user: user.username, email_opt_in: 'nope' }), apiKey);
    expect(await orgOptIn(user.id, course.org)).toBe('True');
    await postEnrollment(body(course.id, { user: user.username, mode: 'honor', email_opt_in: 'false' }), apiKey);
    expect(await orgOptIn(user.id, course.org)).toBe('False');
  });
});

describe('E5 audit records (#e5-side-effects, #d14)', () => {
  it('records a learner’s own new enrollment', async () => {
    const course = await orgCourse();
    const user = await createUser();
    const res = await postEnrollment(body(course.id), await learner(user.username));
    expect(res.status).toBe(200);
    const rows = await auditRows(course.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      courseId: course.id,
      enrolledEmail: user.email,
      enrolledBy: user.username,
      userId: user.id,
      requestedMode: null,
      requestedIsActive: null,
      actualMode: 'audit',
      actualIsActive: true,
    });
  });

  it('records an API-key mode change with enrolled_by null', async () => {
    const course = await orgCourse();
    const user = await createUser();
    await enroll(user.id, course.id, { mode: 'audit' });
    await postEnrollment(body(course.id, { user: user.username, mode: 'verified', is_active: true }), apiKey);
    const rows = await auditRows(course.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      enrolledBy: null,
      userId: user.id,
      requestedMode: 'verified',
      requestedIsActive: true,
      actualMode: 'verified',
      actualIsActive: true,
    });
  });

  it('records a deactivation by global staff', async () => {
    const course = await orgCourse();
    const user = await createUser();
    await enroll(user.id, course.id, { mode: 'honor' });
    const staffName = unique('gs');
    await postEnrollment(body(course.id, { user: user.username, is_active: false }), await globalStaff(staffName));
    const rows = await auditRows(course.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      enrolledBy: staffName,
      userId: user.id,
      requestedMode: null,
      requestedIsActive: false,
      actualMode: 'honor',
      actualIsActive: false,
    });
  });

  it('records an API-key call that changes nothing', async () => {
    const course = await orgCourse();
    const user = await createUser();
    await enroll(user.id, course.id, { mode: 'audit' });
    const unchanged = await postEnrollment(body(course.id, { user: user.username }), apiKey);
    expect(unchanged.status).toBe(200);
    const rows = await auditRows(course.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userId: user.id, enrolledBy: null, actualMode: 'audit', actualIsActive: true });
  });

  it('traces a refused API-key call from step 8 on ("whatever its outcome") in the log, changing nothing', async () => {
    // Decision (docs/api/enrollments.md#d14): refused requests write nothing to D1, so upstream's
    // `enrollment_change_requested` trace of a refused trusted-service call is a structured log line.
    const course = await orgCourse();
    const user = await createUser();
    await enroll(user.id, course.id, { mode: 'audit' });
    const scope = { courseIds: [course.id], userIds: [user.id], audit: true };
    const before = await snapshot(scope);
    const log = vi.spyOn(console, 'log');
    try {
      const refused = await postEnrollment(body(course.id, { user: user.username, mode: 'masters' }), apiKey);
      expect(refused.status).toBe(400);
      expect(await snapshot(scope)).toBe(before);
      expect(await auditRows(course.id)).toHaveLength(0);
      const traces = log.mock.calls
        .map(([line]) =>
          typeof line === 'string' && line.includes('enrollment_change_requested') ? JSON.parse(line) : null,
        )
        .filter((t) => t?.course_id === course.id);
      expect(traces).toEqual([
        expect.objectContaining({
          user_id: user.id,
          requested_mode: 'masters',
          actual_mode: 'audit',
          actual_activation: true,
          outcome: 400,
        }),
      ]);
    } finally {
      log.mockRestore();
    }
  });

  it('does not record API-key calls refused before step 8', async () => {
    const course = await orgCourse();
    const user = await createUser();
    await postEnrollment(body(course.id, { user: unique('ghost') }), apiKey); // step 6
    expect(await auditRows(course.id)).toHaveLength(0);
    await postEnrollment(body(course.id, { user: user.username, mode: 'audit' }), apiKey);
    expect(await auditRows(course.id)).toHaveLength(1);
  });

  it('records nothing for refused learner calls', async () => {
    const course = await orgCourse();
    const user = await createUser();
    await postEnrollment(body(course.id, { is_active: 'maybe' }), await learner(user.username));
    await postEnrollment(body(course.id, { mode: 'verified' }), await learner(user.username));
    expect(await auditRows(course.id)).toHaveLength(0);
  });
});

describe('E5 round trips (docs/architecture.md#round-trips) and concurrency', () => {
  it('creates an enrollment (with audit) in at most 3 queries', async () => {
    const course = await orgCourse();
    const user = await createUser();
    const headers = await learner(user.username);
    const res = await postEnrollment(body(course.id), headers);
    expect(res.status).toBe(200);
    expect(dbQueries(res.headers)).toBeLessThanOrEqual(3);
    expect(await auditRows(course.id)).toHaveLength(1);
  });

  it('changes an enrollment (with audit) in at most 3 queries', async () => {
    const course = await orgCourse();
    const user = await createUser();
    await enroll(user.id, course.id, { mode: 'audit' });
    const res = await postEnrollment(body(course.id, { user: user.username, mode: 'verified' }), apiKey);
    expect(res.status).toBe(200);
    expect(dbQueries(res.headers)).toBeLessThanOrEqual(3);
    const staff = await globalStaff(unique('gs'));
    await postEnrollment(body(course.id, { user: user.username, mode: 'honor' }), staff); // syncs the staff row
    const deactivate = await postEnrollment(body(course.id, { user: user.username, is_active: false }), staff);
    expect(deactivate.status).toBe(200);
    expect(dbQueries(deactivate.headers)).toBeLessThanOrEqual(3);
  });

  it('creates exactly one row for 20 parallel identical POSTs', async () => {
    const course = await orgCourse();
    const user = await createUser();
    const headers = await learner(user.username);
    const results = await Promise.all(Array.from({ length: 20 }, () => postEnrollment(body(course.id), headers)));
    for (const res of results) {
      expect(res.status).toBeLessThan(500);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ mode: 'audit', is_active: true, user: user.username });
    }
    const rows = await enrollmentRows(course.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userId: user.id, isActive: true });
  });

  it('creates exactly one row for 20 parallel API-key POSTs for a new learner', async () => {
    const course = await orgCourse();
    const user = await createUser();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => postEnrollment(body(course.id, { user: user.username, mode: 'honor' }), apiKey)),
    );
    for (const res of results) expect(res.status).toBe(200);
    expect(await enrollmentRows(course.id)).toHaveLength(1);
  });
});
