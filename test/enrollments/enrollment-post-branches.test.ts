import { describe, expect, it } from 'vitest';
import {
  addToCohort,
  allowanceRow,
  attributes,
  auditRows,
  type Course,
  type CourseInput,
  cohortOf,
  createAllowance,
  createCohort,
  createCourse,
  createUser,
  enroll,
  enrollmentRow,
  grantRole,
  orgOptIn,
  preassignCohort,
  snapshot,
  type User,
  uniqueCourseId,
} from '../helpers/fixtures';
import { unique } from '../helpers/request';
import {
  apiKey,
  body,
  DETAILS_KEYS,
  detailsJson,
  ENROLLMENT_KEYS,
  enrollmentError,
  expectJson,
  future,
  globalStaff,
  learner,
  modeUnavailableMessage,
  past,
  postEnrollment,
} from './support';

const CREATED = Date.UTC(2014, 9, 20, 20, 18, 0, 123);

async function expectRefused(
  res: { status: number; body: unknown; headers: Headers },
  status: number,
  expected: unknown,
) {
  expect(res.status).toBe(status);
  expectJson(res);
  expect(res.body).toEqual(expected);
}

/** Runs `request` and asserts it answers 400 with `expected` and changes nothing in the scope. */
async function refusedUnchanged(
  scope: { courseIds: string[]; userIds: number[] },
  request: () => Promise<{ status: number; body: unknown; headers: Headers }>,
  expected: unknown,
  { audit = true } = {},
) {
  const before = await snapshot({ ...scope, audit });
  await expectRefused(await request(), 400, expected);
  expect(await snapshot({ ...scope, audit })).toBe(before);
}

describe('E5 branch choice and update branch (#e5-branch, #e5-update)', () => {
  it('lets the API key change the mode, keeping created (update branch)', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified', minPrice: 49 }] });
    const user = await createUser();
    await enroll(user.id, course.id, { mode: 'audit', createdAt: CREATED });
    const res = await postEnrollment(body(course.id, { user: user.username, mode: 'verified' }), apiKey);
    expect(res.status).toBe(200);
    expectJson(res);
    expect(Object.keys(res.body)).toEqual(ENROLLMENT_KEYS);
    expect(Object.keys(res.body.course_details)).toEqual(DETAILS_KEYS);
    expect(res.body).toEqual({
      created: '2014-10-20T20:18:00.123000Z',
      mode: 'verified',
      is_active: true,
      course_details: detailsJson(course),
      user: user.username,
    });
    expect((await enrollmentRow(user.id, course.id))?.mode).toBe('verified');
  });

  it('lets global staff deactivate, keeping the mode', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified' }] });
    const user = await createUser();
    await enroll(user.id, course.id, { mode: 'verified', createdAt: CREATED });
    const res = await postEnrollment(
      body(course.id, { user: user.username, is_active: false }),
      await globalStaff(unique('gs')),
    );
    expect(res.status).toBe(200);
    expect(res.body.is_active).toBe(false);
    expect(res.body.mode).toBe('verified');
    expect(res.body.created).toBe('2014-10-20T20:18:00.123000Z');
    const row = await enrollmentRow(user.id, course.id);
    expect(row).toMatchObject({ isActive: false, mode: 'verified', createdAt: CREATED });
  });

  it('reactivates through the update branch without window, invite-only or capacity checks, keeping the mode', async () => {
    const course = await createCourse({
      modes: [{ slug: 'audit' }, { slug: 'verified' }],
      inviteOnly: true,
      enrollmentStart: past(10 * 86400_000),
      enrollmentEnd: past(),
      maxStudentEnrollmentsAllowed: 1,
    });
    const other = await createUser();
    await enroll(other.id, course.id);
    const user = await createUser();
    await enroll(user.id, course.id, { mode: 'verified', isActive: false, createdAt: CREATED });
    const res = await postEnrollment(body(course.id, { user: user.username, is_active: true }), apiKey);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ is_active: true, mode: 'verified', created: '2014-10-20T20:18:00.123000Z' });
  });

  it('refuses to deactivate with a stale mode ("Enrollment mode mismatch")', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified' }] });
    const user = await createUser();
    await enroll(user.id, course.id, { mode: 'audit' });
    await refusedUnchanged(
      { courseIds: [course.id], userIds: [user.id] },
      () => postEnrollment(body(course.id, { user: user.username, mode: 'verified', is_active: false }), apiKey),
      { message: "Enrollment mode mismatch: active mode=audit, requested mode=verified. Won't deactivate." },
      { audit: false },
    );
  });

  it('requires credit:provider_id for mode credit only when attributes are sent (update branch, D5)', async () => {
    const course = await createCourse({ modes: [{ slug: 'verified' }, { slug: 'credit' }] });
    const [a, b, c] = [await createUser(), await createUser(), await createUser()];
    for (const u of [a, b, c]) await enroll(u.id, course.id, { mode: 'verified' });

    await refusedUnchanged(
      { courseIds: [course.id], userIds: [a.id] },
      () =>
        postEnrollment(
          body(course.id, {
            user: a.username,
            mode: 'credit',
            enrollment_attributes: [{ namespace: 'order', name: 'order_number', value: 'EDX-1' }],
          }),
          apiKey,
        ),
      { message: "Missing enrollment attributes: requested mode=credit required attributes=['credit:provider_id']" },
      { audit: false },
    );

    const noAttributes = await postEnrollment(body(course.id, { user: b.username, mode: 'credit' }), apiKey);
    expect(noAttributes.status).toBe(200);
    expect(noAttributes.body.mode).toBe('credit');
    const emptyList = await postEnrollment(
      body(course.id, { user: c.username, mode: 'credit', enrollment_attributes: [] }),
      apiKey,
    );
    expect(emptyList.status).toBe(200);

    const withProvider = await postEnrollment(
      body(course.id, {
        user: a.username,
        mode: 'credit',
        enrollment_attributes: [{ namespace: 'credit', name: 'provider_id', value: 'hogwarts' }],
      }),
      apiKey,
    );
    expect(withProvider.status).toBe(200);
    expect(withProvider.body.mode).toBe('credit');
    const row = await enrollmentRow(a.id, course.id);
    expect(await attributes(row?.id ?? -1)).toEqual([{ namespace: 'credit', name: 'provider_id', value: 'hogwarts' }]);
  });

  it('does not check credit attributes in the add branch (D5)', async () => {
    const course = await createCourse({ modes: [{ slug: 'credit' }] });
    const user = await createUser();
    const res = await postEnrollment(
      body(course.id, {
        user: user.username,
        mode: 'credit',
        enrollment_attributes: [{ namespace: 'order', name: 'n', value: 'v' }],
      }),
      apiKey,
    );
    expect(res.status).toBe(200);
    expect(res.body.mode).toBe('credit');
  });

  it('validates the mode including expired ones for the API key (update branch)', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified', expirationAt: past() }] });
    const user = await createUser();
    await enroll(user.id, course.id, { mode: 'audit' });
    const res = await postEnrollment(body(course.id, { user: user.username, mode: 'verified' }), apiKey);
    expect(res.status).toBe(200);
    expect(res.body.mode).toBe('verified');
    // the enrollment object never lists expired modes (#enrollment-object)
    expect(res.body.course_details.course_modes.map((m: { slug: string }) => m.slug)).toEqual(['audit']);
  });

  it('validates against current modes only for global staff with is_active not false (update branch)', async () => {
    const course = await createCourse({
      modes: [{ slug: 'audit' }, { slug: 'verified', expirationAt: past() }],
    });
    const user = await createUser();
    await enroll(user.id, course.id, { mode: 'audit' });
    await refusedUnchanged(
      { courseIds: [course.id], userIds: [user.id] },
      async () =>
        postEnrollment(body(course.id, { user: user.username, mode: 'verified' }), await globalStaff(unique('gs'))),
      {
        message: modeUnavailableMessage('verified', course.id),
        course_details: detailsJson(course, { includeExpired: false }),
      },
    );
  });

  it('counts expired modes when is_active is false (update branch, global staff)', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified', expirationAt: past() }] });
    const user = await createUser();
    await enroll(user.id, course.id, { mode: 'audit', isActive: false });
    const res = await postEnrollment(
      body(course.id, { user: user.username, mode: 'verified', is_active: false }),
      await globalStaff(unique('gs')),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'verified', is_active: false });
  });

  it('lists expired modes in the 400 body when the API key validated with them', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified', expirationAt: past() }] });
    const user = await createUser();
    await enroll(user.id, course.id, { mode: 'audit' });
    const res = await postEnrollment(body(course.id, { user: user.username, mode: 'masters' }), apiKey);
    await expectRefused(res, 400, {
      message: modeUnavailableMessage('masters', course.id),
      course_details: detailsJson(course, { includeExpired: true }),
    });
    expect((await enrollmentRow(user.id, course.id))?.mode).toBe('audit');
  });

  it('takes the add branch for a privileged call that changes nothing (200 unchanged, no audit)', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified' }] });
    const user = await createUser();
    await enroll(user.id, course.id, { mode: 'verified', createdAt: CREATED });
    const staff = await globalStaff(unique('gs'));
    const auditBefore = (await auditRows(course.id)).length;
    const res = await postEnrollment(
      body(course.id, { user: user.username, mode: 'verified', is_active: true }),
      staff,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'verified', is_active: true, created: '2014-10-20T20:18:00.123000Z' });
    expect((await auditRows(course.id)).length).toBe(auditBefore);
  });

  it('gives a learner sending is_active false their active enrollment back unchanged', async () => {
    const course = await createCourse();
    const user = await createUser();
    await enroll(user.id, course.id, { createdAt: CREATED });
    const res = await postEnrollment(body(course.id, { is_active: false }), await learner(user.username));
    expect(res.status).toBe(200);
    expect(res.body.is_active).toBe(true);
    expect((await enrollmentRow(user.id, course.id))?.isActive).toBe(true);
  });

  it('creates an inactive row for is_active false without an enrollment (upstream quirk)', async () => {
    const course = await createCourse();
    const user = await createUser();
    const res = await postEnrollment(body(course.id, { is_active: false }), await learner(user.username));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ is_active: false, mode: 'audit', user: user.username });
    expect((await enrollmentRow(user.id, course.id))?.isActive).toBe(false);
  });
});

describe('E5 add branch (#e5-add): course, default mode, mode validation', () => {
  it.each([
    ['the caller', async (_u: User) => learner(_u.username), false],
    ['the API key', async () => apiKey, true],
  ])('answers 400 for a valid but unknown course (%s)', async (_name, headers, withUser) => {
    const user = await createUser();
    const id = uniqueCourseId();
    const res = await postEnrollment(body(id, withUser ? { user: user.username } : {}), await headers(user));
    await expectRefused(res, 400, { message: `No course '${id}' found for enrollment` });
    expect(await enrollmentRow(user.id, id)).toBeUndefined();
  });

  const defaults: [string, CourseInput['modes'], string | null][] = [
    ['audit, honor, verified', [{ slug: 'verified' }, { slug: 'honor' }, { slug: 'audit' }], 'audit'],
    ['honor, verified', [{ slug: 'verified' }, { slug: 'honor' }], 'honor'],
    ['no modes (synthesised audit)', [], 'audit'],
    ['only expired modes (synthesised audit)', [{ slug: 'verified', expirationAt: past() }], 'audit'],
    ['expired audit, current honor', [{ slug: 'audit', expirationAt: past() }, { slug: 'honor' }], 'honor'],
    ['only verified', [{ slug: 'verified' }], null],
    ['only professional', [{ slug: 'professional' }], null],
    ['only credit (credit is shown, so no synthesised audit)', [{ slug: 'credit' }], null],
    ['expired honor, current verified', [{ slug: 'honor', expirationAt: past() }, { slug: 'verified' }], null],
  ];
  it.each(defaults)('picks the default mode for a course offering %s (#modes)', async (_name, modes, expected) => {
    const course = await createCourse({ modes, name: 'P' });
    const user = await createUser();
    const scope = { courseIds: [course.id], userIds: [user.id] };
    if (expected) {
      const res = await postEnrollment(body(course.id), await learner(user.username));
      expect(res.status).toBe(200);
      expect(res.body.mode).toBe(expected);
      expect((await enrollmentRow(user.id, course.id))?.mode).toBe(expected);
    } else {
      await refusedUnchanged(scope, async () => postEnrollment(body(course.id), await learner(user.username)), {
        message: modeUnavailableMessage('None', course.id),
        course_details: detailsJson(course),
      });
    }
  });

  it('names the requested mode and lists current modes in mode_unavailable (#e5-failures)', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified', expirationAt: past() }] });
    const user = await createUser();
    await refusedUnchanged(
      { courseIds: [course.id], userIds: [user.id] },
      async () => postEnrollment(body(course.id, { mode: 'honor' }), await learner(user.username)),
      { message: modeUnavailableMessage('honor', course.id), course_details: detailsJson(course) },
    );
  });

  it('does not count expired modes for the API key in the add branch', async () => {
    const course = await createCourse({ modes: [{ slug: 'honor' }, { slug: 'verified', expirationAt: past() }] });
    const user = await createUser();
    await refusedUnchanged(
      { courseIds: [course.id], userIds: [user.id] },
      () => postEnrollment(body(course.id, { user: user.username, mode: 'verified' }), apiKey),
      { message: modeUnavailableMessage('verified', course.id), course_details: detailsJson(course) },
      { audit: false },
    );
  });

  it('counts expired modes when is_active is false (creates an inactive row)', async () => {
    const course = await createCourse({ modes: [{ slug: 'honor' }, { slug: 'verified', expirationAt: past() }] });
    const user = await createUser();
    const res = await postEnrollment(
      body(course.id, { user: user.username, mode: 'verified', is_active: false }),
      apiKey,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'verified', is_active: false });
  });

  it('counts expired modes when global staff force the enrollment', async () => {
    const course = await createCourse({ modes: [{ slug: 'honor' }, { slug: 'verified', expirationAt: past() }] });
    const user = await createUser();
    const res = await postEnrollment(
      body(course.id, { user: user.username, mode: 'verified', force_enrollment: true }),
      await globalStaff(unique('gs')),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'verified', is_active: true });
  });

  it('accepts a mode whose deadline is in the future', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified', expirationAt: future() }] });
    const user = await createUser();
    const res = await postEnrollment(body(course.id, { user: user.username, mode: 'verified' }), apiKey);
    expect(res.status).toBe(200);
    expect(res.body.mode).toBe('verified');
  });
});

describe('E5 add branch (#e5-add): access, capacity, already enrolled, reactivation', () => {
  const closed = { enrollmentStart: past(10 * 86400_000), enrollmentEnd: past() };
  const notYet = { enrollmentStart: future(), enrollmentEnd: null };
  const open = { enrollmentStart: past(), enrollmentEnd: future() };

  type Who = 'self' | 'apiKey' | 'staff' | 'staffForce' | 'apiKeyForce' | 'selfForce';
  interface AccessCase {
    course: CourseInput;
    who: Who;
    target?: { isStaff?: boolean; role?: 'staff' | 'instructor'; isActive?: boolean };
    cea?: 'unconsumed' | 'self' | 'other';
    allowed: boolean;
  }
  const accessCases: [string, AccessCase][] = [
    ['open window (null start and end)', { course: {}, who: 'self', allowed: true }],
    ['open window (start < now < end)', { course: open, who: 'self', allowed: true }],
    ['closed window', { course: closed, who: 'self', allowed: false }],
    ['window not yet open', { course: notYet, who: 'self', allowed: false }],
    ['invite-only', { course: { inviteOnly: true }, who: 'self', allowed: false }],
    ['invite-only, privileged caller without force', { course: { inviteOnly: true }, who: 'staff', allowed: false }],
    ['invite-only, API key', { course: { inviteOnly: true }, who: 'apiKey', allowed: false }],
    ['invite-only, unconsumed CEA', { course: { inviteOnly: true }, who: 'self', cea: 'unconsumed', allowed: true }],
    ['closed window, unconsumed CEA', { course: closed, who: 'self', cea: 'unconsumed', allowed: true }],
    ['closed window, CEA consumed by the target', { course: closed, who: 'self', cea: 'self', allowed: true }],
    ['open window, CEA consumed by another account', { course: {}, who: 'self', cea: 'other', allowed: false }],
    [
      'CEA consumed by another account beats global staff target',
      { course: {}, who: 'apiKey', target: { isStaff: true }, cea: 'other', allowed: false },
    ],
    [
      'CEA consumed by another account beats course staff target',
      { course: open, who: 'self', target: { role: 'staff' }, cea: 'other', allowed: false },
    ],
    [
      'invite-only, target is global staff',
      { course: { inviteOnly: true }, who: 'apiKey', target: { isStaff: true }, allowed: true },
    ],
    [
      'closed window, target is course staff',
      { course: closed, who: 'self', target: { role: 'staff' }, allowed: true },
    ],
    [
      'invite-only, target is instructor',
      { course: { inviteOnly: true }, who: 'self', target: { role: 'instructor' }, allowed: true },
    ],
    [
      'closed window, target is an inactive course staff account',
      { course: closed, who: 'self', target: { role: 'staff', isActive: false }, allowed: false },
    ],
    ['invite-only, forced by global staff', { course: { inviteOnly: true }, who: 'staffForce', allowed: true }],
    ['closed window, forced by global staff', { course: closed, who: 'staffForce', allowed: true }],
    ['CEA consumed by another, forced by global staff', { course: {}, who: 'staffForce', cea: 'other', allowed: true }],
    [
      'invite-only, "forced" by the API key alone',
      { course: { inviteOnly: true }, who: 'apiKeyForce', allowed: false },
    ],
    ['invite-only, "forced" by the learner', { course: { inviteOnly: true }, who: 'selfForce', allowed: false }],
  ];

  it.each(accessCases)('%s', async (_name, c) => {
    const course = await createCourse(c.course);
    const target = await createUser({ isStaff: c.target?.isStaff, isActive: c.target?.isActive });
    if (c.target?.role) await grantRole(course.id, target.id, c.target.role);
    let otherId: number | undefined;
    if (c.cea === 'other') otherId = (await createUser()).id;
    if (c.cea) {
      await createAllowance({
        email: target.email,
        courseId: course.id,
        userId: c.cea === 'self' ? target.id : c.cea === 'other' ? otherId : null,
      });
    }
    const forced = c.who.endsWith('Force');
    const extra = { ...(forced ? { force_enrollment: true } : {}) };
    let headers: Record<string, string>;
    let json = body(course.id, extra);
    if (c.who === 'self' || c.who === 'selfForce') headers = await learner(target.username);
    else if (c.who === 'apiKey' || c.who === 'apiKeyForce') {
      headers = apiKey;
      json = body(course.id, { ...extra, user: target.username });
    } else {
      headers = await globalStaff(unique('gs'));
      json = body(course.id, { ...extra, user: target.username });
    }
    const scope = { courseIds: [course.id], userIds: [target.id] };
    if (c.allowed) {
      const res = await postEnrollment(json, headers);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ is_active: true, user: target.username, mode: 'audit' });
      if (c.cea === 'unconsumed' || c.cea === 'self') {
        expect((await allowanceRow(target.email, course.id))?.userId).toBe(target.id);
      }
    } else {
      const apiKeyCall = c.who.startsWith('apiKey');
      await refusedUnchanged(scope, () => postEnrollment(json, headers), enrollmentError(target.username, course.id), {
        audit: !apiKeyCall,
      });
    }
  });

  it('refuses when active non-staff enrollments reach the capacity (#e5-add step 5)', async () => {
    const course = await createCourse({ maxStudentEnrollmentsAllowed: 2 });
    const [a, b, c] = [await createUser(), await createUser(), await createUser()];
    expect((await postEnrollment(body(course.id), await learner(a.username))).status).toBe(200);
    expect((await postEnrollment(body(course.id), await learner(b.username))).status).toBe(200);
    await refusedUnchanged(
      { courseIds: [course.id], userIds: [c.id] },
      async () => postEnrollment(body(course.id), await learner(c.username)),
      enrollmentError(c.username, course.id),
    );
  });

  it('does not count inactive enrollments nor staff/instructor enrollments toward capacity', async () => {
    const course = await createCourse({ maxStudentEnrollmentsAllowed: 1 });
    const [inactive, staff, instructor, user] = [
      await createUser(),
      await createUser(),
      await createUser(),
      await createUser(),
    ];
    await enroll(inactive.id, course.id, { isActive: false });
    await grantRole(course.id, staff.id, 'staff');
    await grantRole(course.id, instructor.id, 'instructor');
    await enroll(staff.id, course.id);
    await enroll(instructor.id, course.id);
    const res = await postEnrollment(body(course.id), await learner(user.username));
    expect(res.status).toBe(200);
  });

  it('applies capacity also to forced enrollments and course staff targets', async () => {
    const course = await createCourse({ maxStudentEnrollmentsAllowed: 1 });
    const first = await createUser();
    await enroll(first.id, course.id);
    const forcedTarget = await createUser();
    await refusedUnchanged(
      { courseIds: [course.id], userIds: [forcedTarget.id] },
      async () =>
        postEnrollment(
          body(course.id, { user: forcedTarget.username, force_enrollment: true }),
          await globalStaff(unique('gs')),
        ),
      enrollmentError(forcedTarget.username, course.id),
    );
    const staff = await createUser();
    await grantRole(course.id, staff.id, 'staff');
    await refusedUnchanged(
      { courseIds: [course.id], userIds: [staff.id] },
      async () => postEnrollment(body(course.id), await learner(staff.username)),
      enrollmentError(staff.username, course.id),
    );
  });

  it('checks capacity before "already enrolled" (step 5 before step 6)', async () => {
    const course = await createCourse({ maxStudentEnrollmentsAllowed: 1 });
    const user = await createUser();
    await enroll(user.id, course.id);
    await refusedUnchanged(
      { courseIds: [course.id], userIds: [user.id] },
      async () => postEnrollment(body(course.id), await learner(user.username)),
      enrollmentError(user.username, course.id),
    );
  });

  it('answers an active enrollment unchanged: mode, attributes, cohort and opt-in untouched (step 6)', async () => {
    const course = await createCourse({ org: unique('Org'), modes: [{ slug: 'audit' }, { slug: 'verified' }] });
    const user = await createUser();
    const enrollment = await enroll(user.id, course.id, { mode: 'verified', createdAt: CREATED });
    const alpha = await createCohort(course.id, 'Alpha');
    await createCohort(course.id, 'Beta');
    await addToCohort(alpha, user.id);
    await grantRole(course.id, user.id, 'staff'); // course staff may name a cohort, but is not privileged
    const auditBefore = (await auditRows(course.id)).length;
    const res = await postEnrollment(
      body(course.id, {
        mode: 'audit',
        cohort: 'Beta',
        email_opt_in: true,
        enrollment_attributes: [{ namespace: 'order', name: 'order_number', value: 'X' }],
      }),
      await learner(user.username),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'verified', is_active: true, created: '2014-10-20T20:18:00.123000Z' });
    expect(await cohortOf(user.id, course.id)).toBe('Alpha');
    expect(await orgOptIn(user.id, course.org)).toBeNull();
    expect(await attributes(enrollment.id)).toEqual([]);
    expect((await auditRows(course.id)).length).toBe(auditBefore);
  });

  it('reactivates an inactive enrollment in the default mode, keeping created and the row (step 7)', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified' }] });
    const user = await createUser();
    const old = await enroll(user.id, course.id, { mode: 'verified', isActive: false, createdAt: CREATED });
    const res = await postEnrollment(body(course.id), await learner(user.username));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'audit', is_active: true, created: '2014-10-20T20:18:00.123000Z' });
    const row = await enrollmentRow(user.id, course.id);
    expect(row).toMatchObject({ id: old.id, mode: 'audit', isActive: true, createdAt: CREATED });
  });

  it('creates a new enrollment with created = now and the full object (step 7)', async () => {
    const course: Course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'honor' }] });
    const user = await createUser();
    const before = Date.now();
    const res = await postEnrollment(body(course.id, { mode: 'honor' }), await learner(user.username));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}000)?Z$/),
      mode: 'honor',
      is_active: true,
      course_details: detailsJson(course),
      user: user.username,
    });
    const row = await enrollmentRow(user.id, course.id);
    expect(row?.createdAt).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(res.body.created)).toBe(row?.createdAt);
  });

  it('links the CEA and applies a waiting cohort pre-assignment (step 7; docs/api/bulk-enroll.md#cohorts, #allowances)', async () => {
    const course = await createCourse({ inviteOnly: true });
    const user = await createUser();
    await createAllowance({ email: user.email, courseId: course.id, autoEnroll: false });
    const gamma = await createCohort(course.id, 'Gamma');
    await preassignCohort(gamma, user.email);
    const res = await postEnrollment(body(course.id), await learner(user.username));
    expect(res.status).toBe(200);
    expect((await allowanceRow(user.email, course.id))?.userId).toBe(user.id);
    expect(await cohortOf(user.id, course.id)).toBe('Gamma');
  });

  it('does not accept a CEA of another e-mail', async () => {
    const course = await createCourse({ inviteOnly: true });
    const user = await createUser();
    await createAllowance({ email: `${unique('x')}@example.com`, courseId: course.id });
    const res = await postEnrollment(body(course.id), await learner(user.username));
    await expectRefused(res, 400, enrollmentError(user.username, course.id));
  });
});
