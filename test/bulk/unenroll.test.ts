import { describe, expect, it } from 'vitest';
import { allowanceOf, bulk, NONE, newEmail, outboxRows, state } from '../helpers/bulk-fixtures';
import { auditRows, createAllowance, createCourse, createUser, enroll, enrollmentRow } from '../helpers/fixtures';

// docs/api/bulk-enroll.md#unenroll (action = unenroll) and its audit transitions (#audit, #b6).

describe('unenroll (#unenroll)', () => {
  it('enrolled → deactivated, row and mode kept; `from enrolled to unenrolled` with the enrollment', async () => {
    const a = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified', minPrice: 50 }] });
    const user = await createUser();
    const row = await enroll(user.id, a.id, { mode: 'verified' });
    const res = await bulk({ identifiers: user.username, courses: a.id, action: 'unenroll', reason: 'left' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      auto_enroll: false,
      email_students: false,
      action: 'unenroll',
      courses: {
        [a.id]: {
          action: 'unenroll',
          auto_enroll: false,
          results: [{ identifier: user.username, before: state(true, true, false), after: state(true, false, false) }],
        },
      },
    });
    expect(await enrollmentRow(user.id, a.id)).toMatchObject({ id: row.id, mode: 'verified', isActive: false });
    expect(await auditRows(a.id)).toEqual([
      expect.objectContaining({
        enrolledEmail: user.email,
        stateTransition: 'from enrolled to unenrolled',
        reason: 'left',
        enrollmentId: row.id,
      }),
    ]);
  });

  it('allowed only → allowance deleted; `from allowed to enroll to unenrolled` (not upstream typo)', async () => {
    const a = await createCourse();
    const email = newEmail();
    await createAllowance({ email, courseId: a.id, autoEnroll: true });
    const res = await bulk({ identifiers: email, courses: a.id, action: 'unenroll' });
    expect(res.body.courses[a.id].results).toEqual([
      { identifier: email, before: state(false, false, true, true), after: NONE },
    ]);
    expect(await allowanceOf(email, a.id)).toBeUndefined();
    expect(await auditRows(a.id)).toEqual([
      expect.objectContaining({ stateTransition: 'from allowed to enroll to unenrolled', enrollmentId: null }),
    ]);
  });

  it('enrolled and allowed → both undone', async () => {
    const a = await createCourse();
    const user = await createUser();
    await enroll(user.id, a.id);
    await createAllowance({ email: user.email, courseId: a.id });
    const res = await bulk({ identifiers: user.email, courses: a.id, action: 'unenroll' });
    expect(res.body.courses[a.id].results[0]).toMatchObject({
      before: state(true, true, true),
      after: state(true, false, false),
    });
    expect((await enrollmentRow(user.id, a.id))?.isActive).toBe(false);
    expect(await allowanceOf(user.email, a.id)).toBeUndefined();
    expect((await auditRows(a.id)).map((r) => r.stateTransition)).toEqual(['from enrolled to unenrolled']);
  });

  it('neither → a normal all-false result; `from unenrolled to unenrolled`; nothing changes', async () => {
    const a = await createCourse();
    const user = await createUser();
    const inactive = await enroll(user.id, a.id, { isActive: false, mode: 'honor' });
    const email = newEmail();
    const res = await bulk({ identifiers: `${user.username} ${email}`, courses: a.id, action: 'unenroll' });
    expect(res.body.courses[a.id].results).toEqual([
      { identifier: user.username, before: state(true, false, false), after: state(true, false, false) },
      { identifier: email, before: NONE, after: NONE },
    ]);
    expect(await enrollmentRow(user.id, a.id)).toMatchObject({
      mode: 'honor',
      isActive: false,
      updatedAt: inactive.updatedAt,
    });
    expect((await auditRows(a.id)).map((r) => [r.enrolledEmail, r.stateTransition])).toEqual([
      [user.email, 'from unenrolled to unenrolled'],
      [email, 'from unenrolled to unenrolled'],
    ]);
  });

  it('auto_enroll is ignored (echoed, but nothing is created)', async () => {
    const a = await createCourse();
    const email = newEmail();
    const res = await bulk({ identifiers: email, courses: a.id, action: 'unenroll', auto_enroll: true });
    expect(res.body.auto_enroll).toBe(true);
    expect(res.body.courses[a.id]).toMatchObject({ action: 'unenroll', auto_enroll: true });
    expect(res.body.courses[a.id].results[0].after).toEqual(NONE);
    expect(await allowanceOf(email, a.id)).toBeUndefined();
  });

  it('only the named courses are touched', async () => {
    const [a, b] = [await createCourse(), await createCourse()];
    const user = await createUser();
    await enroll(user.id, a.id);
    await enroll(user.id, b.id);
    await bulk({ identifiers: user.username, courses: a.id, action: 'unenroll' });
    expect((await enrollmentRow(user.id, a.id))?.isActive).toBe(false);
    expect((await enrollmentRow(user.id, b.id))?.isActive).toBe(true);
  });

  it('a duplicate sees the first occurrence: second is `from unenrolled to unenrolled`', async () => {
    const a = await createCourse();
    const user = await createUser();
    await enroll(user.id, a.id);
    const res = await bulk({
      identifiers: `${user.username},${user.email}`,
      courses: a.id,
      action: 'unenroll',
      email_students: true,
    });
    expect(res.body.courses[a.id].results.map((r: { before: unknown }) => r.before)).toEqual([
      state(true, true, false),
      state(true, false, false),
    ]);
    expect((await auditRows(a.id)).map((r) => r.stateTransition)).toEqual([
      'from enrolled to unenrolled',
      'from unenrolled to unenrolled',
    ]);
    expect(await outboxRows(a.id)).toHaveLength(1);
  });

  it('invalid identifiers are reported and leave no audit', async () => {
    const a = await createCourse();
    const res = await bulk({ identifiers: 'nobody,half@', courses: a.id, action: 'unenroll' });
    expect(res.body.courses[a.id].results).toEqual([
      { identifier: 'nobody', invalidIdentifier: true },
      { identifier: 'half@', invalidIdentifier: true },
    ]);
    expect(await auditRows(a.id)).toEqual([]);
  });
});
