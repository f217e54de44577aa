import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { allowanceOf, auditRowsForEmail, bulk, newEmail, staffHeader, state } from '../helpers/bulk-fixtures';
import {
  auditRows,
  cohortOf,
  createAllowance,
  createCohort,
  createCourse,
  createUser,
  enroll,
  enrollmentRow,
  uniqueCourseId,
  userByUsername,
} from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

// docs/api/bulk-enroll.md#allowances: an auto_enroll allowance is realised when an account with its e-mail becomes
// usable — created active (first JWT, or PUT /api/admin/v1/users/{username}), activated, or its
// e-mail changed while active.

const USERS = '/api/admin/v1/users';

/** First sight of a JWT creates the user (any authenticated endpoint will do). */
async function signIn(username: string, email: string) {
  const res = await call('/api/enrollment/v1/roles/', { headers: await jwtHeader(username, { email }) });
  expect(res.status, res.text).toBe(200);
  const user = await userByUsername(username);
  if (!user) throw new Error('the JWT did not create the user');
  return user;
}

async function putUser(username: string, body: Record<string, unknown>) {
  const res = await call(`${USERS}/${username}`, { method: 'PUT', json: body, headers: apiKeyHeader });
  expect([200, 201], res.text).toContain(res.status);
  const user = await userByUsername(username);
  if (!user) throw new Error('PUT did not store the user');
  return user;
}

/** Invites `email` to the courses through the bulk endpoint, as the given staff user. */
async function invite(email: string, courses: string[], extra: Record<string, unknown> = {}, staff = unique('gs')) {
  const res = await bulk(
    { identifiers: email, courses: courses.join(','), action: 'enroll', auto_enroll: true, ...extra },
    await staffHeader(staff),
  );
  expect(res.status, res.text).toBe(200);
  return staff;
}

describe('allowance lifecycle (#allowances): just-in-time user from a JWT', () => {
  it('realises every auto_enroll allowance in the default mode, links it, audits with the inviter and reason', async () => {
    const a = await createCourse();
    const b = await createCourse({ modes: [{ slug: 'honor', minPrice: 100 }] });
    const email = newEmail('jit');
    const staff = await invite(email, [a.id, b.id], { reason: 'spring intake' });
    const user = await signIn(unique('jit'), email);
    expect(await enrollmentRow(user.id, a.id)).toMatchObject({ mode: 'audit', isActive: true });
    expect(await enrollmentRow(user.id, b.id)).toMatchObject({ mode: 'honor', isActive: true });
    expect(await allowanceOf(email, a.id)).toMatchObject({ userId: user.id, autoEnroll: true });
    expect(await allowanceOf(email, b.id)).toMatchObject({ userId: user.id });
    for (const course of [a, b]) {
      const audits = await auditRows(course.id);
      expect(audits.map((r) => r.stateTransition)).toEqual([
        'from unenrolled to allowed to enroll',
        'from allowed to enroll to enrolled',
      ]);
      const enrollment = await enrollmentRow(user.id, course.id);
      expect(audits[1]).toMatchObject({
        enrolledEmail: email,
        enrolledBy: staff,
        reason: 'spring intake',
        enrollmentId: enrollment?.id,
      });
    }
  });

  it('copies enrolled_by and reason from the most recent earlier record for the e-mail', async () => {
    const a = await createCourse();
    const email = newEmail('recent');
    await invite(email, [a.id], { reason: 'first' }, unique('gs1'));
    const second = await invite(email, [a.id], { reason: 'second' }, unique('gs2'));
    const user = await signIn(unique('rc'), email);
    const last = (await auditRows(a.id)).at(-1);
    expect(last).toMatchObject({
      stateTransition: 'from allowed to enroll to enrolled',
      enrolledBy: second,
      reason: 'second',
    });
    expect((await enrollmentRow(user.id, a.id))?.isActive).toBe(true);
  });

  it('an allowance without auto_enroll is not realised and stays unlinked', async () => {
    const a = await createCourse();
    const email = newEmail('manual');
    await invite(email, [a.id], { auto_enroll: false });
    const user = await signIn(unique('mn'), email);
    expect(await enrollmentRow(user.id, a.id)).toBeUndefined();
    expect(await allowanceOf(email, a.id)).toMatchObject({ autoEnroll: false, userId: null });
    expect((await auditRows(a.id)).map((r) => r.stateTransition)).toEqual(['from unenrolled to allowed to enroll']);
  });

  it('applies the cohort pre-assignment of the bulk request', async () => {
    const a = await createCourse();
    await createCohort(a.id, 'Pre');
    const email = newEmail('pre');
    await invite(email, [a.id], { cohorts: 'Pre' });
    const user = await signIn(unique('pr'), email);
    expect((await enrollmentRow(user.id, a.id))?.isActive).toBe(true);
    expect(await cohortOf(user.id, a.id)).toBe('Pre');
  });

  it('without an earlier audit record for the e-mail, enrolls but writes no audit', async () => {
    const a = await createCourse();
    const email = newEmail('noaudit');
    await createAllowance({ email, courseId: a.id, autoEnroll: true });
    const user = await signIn(unique('na'), email);
    expect((await enrollmentRow(user.id, a.id))?.isActive).toBe(true);
    expect(await auditRowsForEmail(email)).toEqual([]);
  });

  it('an allowance consumed by another account is not realised for a new account with that e-mail', async () => {
    const a = await createCourse();
    const email = newEmail('taken');
    const first = await createUser();
    await createAllowance({ email, courseId: a.id, autoEnroll: true, userId: first.id });
    const user = await signIn(unique('tk'), email);
    expect(await enrollmentRow(user.id, a.id)).toBeUndefined();
    expect(await allowanceOf(email, a.id)).toMatchObject({ userId: first.id });
  });

  it('an allowance for a course that is not provisioned does not break sign-in; the others are realised', async () => {
    const a = await createCourse();
    const email = newEmail('ghost');
    await createAllowance({ email, courseId: uniqueCourseId(), autoEnroll: true });
    await createAllowance({ email, courseId: a.id, autoEnroll: true });
    const user = await signIn(unique('gh'), email);
    expect((await enrollmentRow(user.id, a.id))?.isActive).toBe(true);
  });

  it('a later bulk call sees the realised state: enrolled and (linked) allowed', async () => {
    const a = await createCourse();
    const email = newEmail('after');
    await invite(email, [a.id]);
    const user = await signIn(unique('af'), email);
    const res = await bulk({ identifiers: user.username, courses: a.id, action: 'enroll' });
    expect(res.body.courses[a.id].results[0]).toMatchObject({
      before: state(true, true, true, true),
      after: state(true, true, true, true),
    });
  });
});

describe('allowance lifecycle (#allowances): PUT /api/admin/v1/users/{username}', () => {
  it('creating an active user realises the allowances', async () => {
    const a = await createCourse();
    const email = newEmail('put');
    const staff = await invite(email, [a.id], { reason: 'put' });
    const user = await putUser(unique('pu'), { email });
    expect(await enrollmentRow(user.id, a.id)).toMatchObject({ mode: 'audit', isActive: true });
    expect(await allowanceOf(email, a.id)).toMatchObject({ userId: user.id });
    expect((await auditRows(a.id)).at(-1)).toMatchObject({
      stateTransition: 'from allowed to enroll to enrolled',
      enrolledBy: staff,
      reason: 'put',
    });
  });

  it('an inactive user realises nothing until activated', async () => {
    const a = await createCourse();
    const email = newEmail('act');
    await invite(email, [a.id]);
    const username = unique('ac');
    const inactive = await putUser(username, { email, is_active: false });
    expect(await enrollmentRow(inactive.id, a.id)).toBeUndefined();
    expect(await allowanceOf(email, a.id)).toMatchObject({ userId: null });
    const active = await putUser(username, { email, is_active: true });
    expect((await enrollmentRow(active.id, a.id))?.isActive).toBe(true);
  });

  it('an e-mail change while active realises the new e-mail', async () => {
    const a = await createCourse();
    const username = unique('ch');
    const user = await putUser(username, { email: newEmail('old') });
    const email = newEmail('newaddr');
    await invite(email, [a.id]);
    expect(await enrollmentRow(user.id, a.id)).toBeUndefined();
    await putUser(username, { email });
    expect((await enrollmentRow(user.id, a.id))?.isActive).toBe(true);
  });

  it('a JWT carrying a changed e-mail realises it too', async () => {
    const a = await createCourse();
    const username = unique('jc');
    const user = await signIn(username, newEmail('before'));
    const email = newEmail('jwtnew');
    await invite(email, [a.id]);
    await signIn(username, email);
    expect((await enrollmentRow(user.id, a.id))?.isActive).toBe(true);
  });

  it('already enrolled: kept as it is (mode, no new audit), but the allowance is linked', async () => {
    const a = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified', minPrice: 10 }] });
    const username = unique('ae');
    const user = await putUser(username, { email: newEmail('was') });
    const row = await enroll(user.id, a.id, { mode: 'verified' });
    const email = newEmail('now');
    await invite(email, [a.id]);
    const auditsBefore = await auditRows(a.id);
    await putUser(username, { email });
    expect(await enrollmentRow(user.id, a.id)).toMatchObject({ id: row.id, mode: 'verified', isActive: true });
    expect(await allowanceOf(email, a.id)).toMatchObject({ userId: user.id });
    expect(await auditRows(a.id)).toEqual(auditsBefore);
  });

  it('a PUT that changes neither activation nor e-mail is not a new event (a later deactivation stays)', async () => {
    const a = await createCourse();
    const email = newEmail('once');
    await invite(email, [a.id]);
    const username = unique('on');
    const user = await putUser(username, { email });
    expect((await enrollmentRow(user.id, a.id))?.isActive).toBe(true);
    await env.DB.prepare('update enrollments set is_active = 0 where user_id = ? and course_id = ?')
      .bind(user.id, a.id)
      .run();
    await putUser(username, { email, name: 'Renamed' });
    await signIn(username, email);
    expect((await enrollmentRow(user.id, a.id))?.isActive).toBe(false);
    expect(
      (await auditRows(a.id)).filter((r) => r.stateTransition === 'from allowed to enroll to enrolled'),
    ).toHaveLength(1);
  });

  it('a non-auto_enroll allowance stays unrealised through creation and activation', async () => {
    const a = await createCourse();
    const email = newEmail('stay');
    await createAllowance({ email, courseId: a.id, autoEnroll: false });
    const username = unique('st');
    await putUser(username, { email, is_active: false });
    const user = await putUser(username, { email, is_active: true });
    expect(await enrollmentRow(user.id, a.id)).toBeUndefined();
    expect(await allowanceOf(email, a.id)).toMatchObject({ userId: null, autoEnroll: false });
  });
});
