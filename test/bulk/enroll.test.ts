import { describe, expect, it } from 'vitest';
import {
  allowanceOf,
  bulk,
  createRetiredEmail,
  NONE,
  newEmail,
  outboxRows,
  staffHeader,
  state,
} from '../helpers/bulk-fixtures';
import {
  auditRows,
  createAllowance,
  createCourse,
  createUser,
  enroll,
  enrollmentRow,
  enrollmentRows,
  markRetired,
} from '../helpers/fixtures';
import { call, unique } from '../helpers/request';

// docs/api/bulk-enroll.md#resolving, #state, #enroll (action = enroll), #audit and #response.

const DAY = 24 * 3600_000;

describe('response shape (#response)', () => {
  it('echoes the validated request at the top level and keys courses exactly as sent', async () => {
    const a = await createCourse();
    const slash = await createCourse({ id: `Org/${unique('S')}/Run` });
    const user = await createUser();
    const email = newEmail();
    const res = await bulk({
      identifiers: `${user.username}\n${email}\npercivaloctavius@`,
      courses: `${a.id},${slash.id}`,
      action: 'enroll',
      auto_enroll: 'True',
      email_students: 'no',
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['action', 'auto_enroll', 'courses', 'email_students']);
    expect(res.body).toMatchObject({ auto_enroll: true, email_students: false, action: 'enroll' });
    expect(Object.keys(res.body.courses)).toEqual([a.id, slash.id]);
    for (const id of [a.id, slash.id]) {
      const block = res.body.courses[id];
      expect(Object.keys(block).sort()).toEqual(['action', 'auto_enroll', 'results']);
      expect(block).toEqual({
        action: 'enroll',
        auto_enroll: true,
        results: [
          { identifier: user.username, before: state(true, false, false), after: state(true, true, false) },
          { identifier: email, before: NONE, after: state(false, false, true, true) },
          { identifier: 'percivaloctavius@', invalidIdentifier: true },
        ],
      });
    }
  });

  it('answers 200 when every identifier is invalid', async () => {
    const a = await createCourse();
    const res = await bulk({ identifiers: 'nobody_here, broken@, @nowhere', courses: a.id, action: 'enroll' });
    expect(res.status).toBe(200);
    expect(res.body.courses[a.id].results).toEqual([
      { identifier: 'nobody_here', invalidIdentifier: true },
      { identifier: 'broken@', invalidIdentifier: true },
      { identifier: '@nowhere', invalidIdentifier: true },
    ]);
    expect(await auditRows(a.id)).toEqual([]);
    expect(await enrollmentRows(a.id)).toEqual([]);
  });

  it('a course listed twice is processed twice; the second block replaces the first and sees its effect', async () => {
    const a = await createCourse();
    const user = await createUser();
    const email = newEmail();
    const res = await bulk({
      identifiers: `${user.username},${email}`,
      courses: `${a.id},${a.id}`,
      action: 'enroll',
      email_students: true,
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.courses)).toEqual([a.id]);
    expect(res.body.courses[a.id].results).toEqual([
      { identifier: user.username, before: state(true, true, false), after: state(true, true, false) },
      { identifier: email, before: state(false, false, true), after: state(false, false, true) },
    ]);
    expect(await enrollmentRows(a.id)).toHaveLength(1);
    expect((await auditRows(a.id)).map((r) => r.stateTransition)).toEqual([
      'from unenrolled to enrolled',
      'from unenrolled to allowed to enroll',
      'from enrolled to enrolled',
      'from unenrolled to allowed to enroll',
    ]);
    expect(await outboxRows(a.id)).toHaveLength(4);
  });

  it('courses may be sent as a JSON array (flattened, B2)', async () => {
    const [a, b, c] = [await createCourse(), await createCourse(), await createCourse()];
    const email = newEmail();
    const res = await bulk({ identifiers: email, courses: [a.id, `${b.id},${c.id}`], action: 'enroll' });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body.courses)).toEqual([a.id, b.id, c.id]);
    for (const id of [a.id, b.id, c.id]) expect(await allowanceOf(email, id)).toBeDefined();
  });
});

describe('identifier resolution (#resolving)', () => {
  it('a username resolves to the account; the working e-mail is the account e-mail', async () => {
    const a = await createCourse();
    const user = await createUser();
    const res = await bulk({ identifiers: user.username, courses: a.id, action: 'enroll' });
    expect(res.body.courses[a.id].results[0].identifier).toBe(user.username);
    const [audit] = await auditRows(a.id);
    expect(audit?.enrolledEmail).toBe(user.email);
  });

  it('an e-mail resolves to the account with that e-mail', async () => {
    const a = await createCourse();
    const user = await createUser({ email: newEmail('acct') });
    const res = await bulk({ identifiers: user.email, courses: a.id, action: 'enroll' });
    expect(res.body.courses[a.id].results[0].after).toEqual(state(true, true, false));
    expect((await enrollmentRow(user.id, a.id))?.isActive).toBe(true);
  });

  it('an unknown username and a malformed address are invalidIdentifier; nothing stored, no audit', async () => {
    const a = await createCourse();
    const res = await bulk({
      identifiers: 'ghost_user percivaloctavius@',
      courses: a.id,
      action: 'enroll',
      email_students: true,
    });
    expect(res.body.courses[a.id].results).toEqual([
      { identifier: 'ghost_user', invalidIdentifier: true },
      { identifier: 'percivaloctavius@', invalidIdentifier: true },
    ]);
    expect(await auditRows(a.id)).toEqual([]);
    expect(await outboxRows(a.id)).toEqual([]);
  });

  it("when one user's username equals another user's e-mail, the e-mail match wins (B8)", async () => {
    const a = await createCourse();
    const shared = newEmail('shared');
    const byName = await createUser({ username: shared, email: newEmail('other') });
    const byEmail = await createUser({ email: shared });
    const res = await bulk({ identifiers: shared, courses: a.id, action: 'enroll' });
    expect(res.status).toBe(200);
    expect(res.body.courses[a.id].results[0].after).toEqual(state(true, true, false));
    expect((await enrollmentRow(byEmail.id, a.id))?.isActive).toBe(true);
    expect(await enrollmentRow(byName.id, a.id)).toBeUndefined();
  });

  it('a user who requested retirement is not found by username', async () => {
    const a = await createCourse();
    const user = await createUser();
    await markRetired(user);
    const res = await bulk({ identifiers: user.username, courses: a.id, action: 'enroll' });
    expect(res.body.courses[a.id].results).toEqual([{ identifier: user.username, invalidIdentifier: true }]);
    expect(await enrollmentRow(user.id, a.id)).toBeUndefined();
  });

  it('a retired e-mail: nothing happens (after = before), audit `N/A`, no allowance, no e-mail', async () => {
    const a = await createCourse();
    const { originalEmail } = await createRetiredEmail();
    const res = await bulk({
      identifiers: originalEmail,
      courses: a.id,
      action: 'enroll',
      auto_enroll: true,
      email_students: true,
    });
    expect(res.body.courses[a.id].results).toEqual([{ identifier: originalEmail, before: NONE, after: NONE }]);
    expect(await allowanceOf(originalEmail, a.id)).toBeUndefined();
    expect((await auditRows(a.id)).map((r) => r.stateTransition)).toEqual(['N/A']);
    expect(await outboxRows(a.id)).toEqual([]);
  });

  it('e-mails match exactly (a differently-cased address is another e-mail)', async () => {
    const a = await createCourse();
    const user = await createUser({ email: `${unique('case')}@example.com` });
    const upper = user.email.toUpperCase();
    const res = await bulk({ identifiers: upper, courses: a.id, action: 'enroll' });
    expect(res.body.courses[a.id].results[0]).toEqual({
      identifier: upper,
      before: NONE,
      after: state(false, false, true),
    });
    expect(await enrollmentRow(user.id, a.id)).toBeUndefined();
  });
});

describe('enroll an active user (#enroll)', () => {
  it('not enrolled → enrolled in the default mode; audit `from unenrolled to enrolled` with the enrollment', async () => {
    const a = await createCourse({ modes: [{ slug: 'verified', minPrice: 50 }, { slug: 'audit' }] });
    const user = await createUser();
    const staffName = unique('gs');
    const res = await bulk(
      { identifiers: user.username, courses: a.id, action: 'enroll', reason: 'cohort 7 roster' },
      await staffHeader(staffName),
    );
    expect(res.body.courses[a.id].results[0]).toEqual({
      identifier: user.username,
      before: state(true, false, false),
      after: state(true, true, false),
    });
    const row = await enrollmentRow(user.id, a.id);
    expect(row).toMatchObject({ mode: 'audit', isActive: true });
    const audits = await auditRows(a.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      courseId: a.id,
      enrolledEmail: user.email,
      enrolledBy: staffName,
      stateTransition: 'from unenrolled to enrolled',
      reason: 'cohort 7 roster',
      role: null,
      enrollmentId: row?.id,
    });
  });

  it('already enrolled (verified) → stays verified; `from enrolled to enrolled`', async () => {
    const a = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified', minPrice: 50 }] });
    const user = await createUser();
    const existing = await enroll(user.id, a.id, { mode: 'verified', createdAt: Date.now() - DAY });
    const res = await bulk({ identifiers: user.email, courses: a.id, action: 'enroll' });
    expect(res.body.courses[a.id].results[0]).toMatchObject({
      before: state(true, true, false),
      after: state(true, true, false),
    });
    const row = await enrollmentRow(user.id, a.id);
    expect(row).toMatchObject({ id: existing.id, mode: 'verified', isActive: true });
    const [audit] = await auditRows(a.id);
    expect(audit).toMatchObject({
      stateTransition: 'from enrolled to enrolled',
      enrollmentId: existing.id,
      reason: null,
    });
  });

  it('unenrolled (inactive verified row) → re-activated in the default mode, not the old one', async () => {
    const a = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified', minPrice: 50 }] });
    const user = await createUser();
    const existing = await enroll(user.id, a.id, { mode: 'verified', isActive: false });
    await bulk({ identifiers: user.username, courses: a.id, action: 'enroll' });
    expect(await enrollmentRow(user.id, a.id)).toMatchObject({ id: existing.id, mode: 'audit', isActive: true });
    expect(await enrollmentRows(a.id)).toHaveLength(1);
  });

  it.each([
    ['white-label (only honor, with a price)', [{ slug: 'honor', minPrice: 100 }], 'honor'],
    ['honor and verified', [{ slug: 'verified', minPrice: 50 }, { slug: 'honor' }], 'honor'],
    ['audit and honor', [{ slug: 'honor' }, { slug: 'audit' }], 'audit'],
    ['verified only', [{ slug: 'verified', minPrice: 50 }], 'audit'],
    ['no modes', [], 'audit'],
    [
      'an expired audit mode and honor',
      [{ slug: 'audit', expirationAt: Date.now() - DAY }, { slug: 'honor' }],
      'honor',
    ],
  ])('default mode for %s → %s', async (_what, modes, expected) => {
    const a = await createCourse({ modes });
    const user = await createUser();
    await bulk({ identifiers: user.username, courses: a.id, action: 'enroll' });
    expect((await enrollmentRow(user.id, a.id))?.mode).toBe(expected);
  });

  it('ignores access checks: closed window, invite-only, full capacity, embargo', async () => {
    const a = await createCourse({
      enrollmentStart: Date.now() - 10 * DAY,
      enrollmentEnd: Date.now() - DAY,
      inviteOnly: true,
      maxStudentEnrollmentsAllowed: 1,
      blockedCountries: ['CU', 'IR'],
    });
    const other = await createUser();
    await enroll(other.id, a.id);
    const user = await createUser({ country: 'CU' });
    const res = await call('/api/bulk_enroll/v1/bulk_enroll/', {
      method: 'POST',
      json: { identifiers: user.username, courses: a.id, action: 'enroll' },
      headers: { ...(await staffHeader()), 'CF-IPCountry': 'IR' },
    });
    expect(res.status).toBe(200);
    expect(res.body.courses[a.id].results[0].after.enrollment).toBe(true);
    expect((await enrollmentRow(user.id, a.id))?.isActive).toBe(true);
  });

  it('auto_enroll has no effect for an existing user (no allowance created)', async () => {
    const a = await createCourse();
    const user = await createUser();
    const res = await bulk({ identifiers: user.username, courses: a.id, action: 'enroll', auto_enroll: true });
    expect(res.body.courses[a.id].results[0].after).toEqual(state(true, true, false, false));
    expect(await allowanceOf(user.email, a.id)).toBeUndefined();
  });

  it('an existing allowance is kept when its user is enrolled; `from allowed to enroll to enrolled`', async () => {
    const a = await createCourse();
    const user = await createUser();
    await createAllowance({ email: user.email, courseId: a.id, autoEnroll: true });
    const res = await bulk({ identifiers: user.username, courses: a.id, action: 'enroll' });
    expect(res.body.courses[a.id].results[0]).toMatchObject({
      before: state(true, false, true, true),
      after: state(true, true, true, true),
    });
    expect(await allowanceOf(user.email, a.id)).toMatchObject({ autoEnroll: true });
    expect((await auditRows(a.id))[0]?.stateTransition).toBe('from allowed to enroll to enrolled');
  });

  it("an allowance consumed by another account does not count as this user's", async () => {
    const a = await createCourse();
    const consumer = await createUser();
    const user = await createUser({ email: newEmail('dup') });
    await createAllowance({ email: user.email, courseId: a.id, userId: consumer.id });
    const res = await bulk({ identifiers: user.email, courses: a.id, action: 'enroll' });
    expect(res.body.courses[a.id].results[0]).toMatchObject({
      before: state(true, false, false),
      after: state(true, true, false),
    });
  });
});

describe('enroll without a usable account (#enroll)', () => {
  it('a new e-mail → allowance with the request auto_enroll; audit `from unenrolled to allowed to enroll`, no enrollment', async () => {
    const a = await createCourse();
    const email = newEmail();
    const staffName = unique('gs');
    const res = await bulk(
      { identifiers: email, courses: a.id, action: 'enroll', auto_enroll: true, reason: 'invite' },
      await staffHeader(staffName),
    );
    expect(res.body.courses[a.id].results[0]).toEqual({
      identifier: email,
      before: NONE,
      after: state(false, false, true, true),
    });
    expect(await allowanceOf(email, a.id)).toMatchObject({ email, courseId: a.id, autoEnroll: true, userId: null });
    expect(await auditRows(a.id)).toEqual([
      expect.objectContaining({
        enrolledEmail: email,
        enrolledBy: staffName,
        stateTransition: 'from unenrolled to allowed to enroll',
        reason: 'invite',
        enrollmentId: null,
        role: null,
      }),
    ]);
    expect(await enrollmentRows(a.id)).toEqual([]);
  });

  it("an existing allowance's auto_enroll is overwritten (true → false → true), one row", async () => {
    const a = await createCourse();
    const email = newEmail();
    const first = await createAllowance({ email, courseId: a.id, autoEnroll: true });
    const off = await bulk({ identifiers: email, courses: a.id, action: 'enroll', auto_enroll: false });
    expect(off.body.courses[a.id].results[0]).toMatchObject({
      before: state(false, false, true, true),
      after: state(false, false, true, false),
    });
    expect(await allowanceOf(email, a.id)).toMatchObject({ id: first.id, autoEnroll: false });
    const on = await bulk({ identifiers: email, courses: a.id, action: 'enroll', auto_enroll: true });
    expect(on.body.courses[a.id].results[0].after).toEqual(state(false, false, true, true));
    expect(await allowanceOf(email, a.id)).toMatchObject({ id: first.id, autoEnroll: true });
  });

  it('an inactive user → allowance for the account e-mail, not an enrollment', async () => {
    const a = await createCourse();
    const user = await createUser({ isActive: false });
    const res = await bulk({ identifiers: user.username, courses: a.id, action: 'enroll', auto_enroll: true });
    expect(res.body.courses[a.id].results[0]).toEqual({
      identifier: user.username,
      before: state(true, false, false),
      after: state(true, false, true, true),
    });
    expect(await enrollmentRow(user.id, a.id)).toBeUndefined();
    expect(await allowanceOf(user.email, a.id)).toMatchObject({ autoEnroll: true });
    expect((await auditRows(a.id))[0]).toMatchObject({
      enrolledEmail: user.email,
      stateTransition: 'from unenrolled to allowed to enroll',
    });
  });
});

describe('audit records (#audit)', () => {
  it('one record per valid identifier, in order; none for invalid ones; enrolled_by is the staff username', async () => {
    const a = await createCourse();
    const enrolled = await createUser();
    await enroll(enrolled.id, a.id);
    const fresh = await createUser();
    const allowedUser = await createUser();
    await createAllowance({ email: allowedUser.email, courseId: a.id });
    const email = newEmail();
    const { originalEmail } = await createRetiredEmail();
    const staffName = unique('gs');
    await bulk(
      {
        identifiers: [enrolled.username, 'nope', fresh.email, allowedUser.username, email, originalEmail, 'bad@'].join(
          ' ',
        ),
        courses: a.id,
        action: 'enroll',
        reason: 'term start',
      },
      await staffHeader(staffName),
    );
    const audits = await auditRows(a.id);
    expect(audits.map((r) => [r.enrolledEmail, r.stateTransition])).toEqual([
      [enrolled.email, 'from enrolled to enrolled'],
      [fresh.email, 'from unenrolled to enrolled'],
      [allowedUser.email, 'from allowed to enroll to enrolled'],
      [email, 'from unenrolled to allowed to enroll'],
      [originalEmail, 'N/A'],
    ]);
    for (const row of audits) {
      expect(row).toMatchObject({ enrolledBy: staffName, reason: 'term start', role: null });
      expect(Math.abs(row.timeStamp - Date.now())).toBeLessThan(60_000);
    }
  });

  it('records are readable through GET /api/admin/v1/audit/manual-enrollments', async () => {
    const a = await createCourse();
    const email = newEmail();
    const staffName = unique('gs');
    await bulk({ identifiers: email, courses: a.id, action: 'enroll', reason: 'why' }, await staffHeader(staffName));
    const res = await call(`/api/admin/v1/audit/manual-enrollments?course_id=${encodeURIComponent(a.id)}`, {
      headers: { 'X-Edx-Api-Key': 'test-api-key' },
    });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      {
        course_id: a.id,
        enrolled_email: email,
        enrolled_by: staffName,
        time_stamp: expect.any(String),
        state_transition: 'from unenrolled to allowed to enroll',
        reason: 'why',
        role: null,
      },
    ]);
  });
});
