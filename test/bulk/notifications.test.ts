import { describe, expect, it } from 'vitest';
import { bulk, createLearner, createRetiredEmail, newEmail, outboxRows } from '../helpers/bulk-fixtures';
import { createAllowance, createCourse, createUser, enroll } from '../helpers/fixtures';
import { call } from '../helpers/request';
import { apiKeyHeader } from '../helpers/tokens';

// docs/api/bulk-enroll.md#notifications: the outbox gets one message per event, only with email_students.

const LMS = 'http://localhost:18000'; // LMS_ROOT_URL of the test worker (wrangler.toml)

describe('notifications (#notifications)', () => {
  it('nothing is queued without email_students (enroll and unenroll)', async () => {
    const a = await createCourse();
    const user = await createUser();
    const email = newEmail();
    await bulk({ identifiers: `${user.username},${email}`, courses: a.id, action: 'enroll' });
    await bulk({ identifiers: `${user.username},${email}`, courses: a.id, action: 'unenroll', email_students: false });
    expect(await outboxRows(a.id)).toEqual([]);
  });

  it('enroll: `enrolled_enroll` to active users (also already enrolled), `allowed_enroll` to the rest', async () => {
    const a = await createCourse({ name: 'Intro to Bulk' });
    const fresh = await createLearner({ name: 'Fresh Learner', language: 'fr' });
    const already = await createLearner({ name: 'Old Hand' });
    await enroll(already.id, a.id);
    const inactive = await createUser({ isActive: false });
    const email = newEmail();
    const res = await bulk({
      identifiers: [fresh.username, already.email, inactive.username, email, 'bad@'].join(','),
      courses: a.id,
      action: 'enroll',
      email_students: true,
    });
    expect(res.status).toBe(200);
    const rows = await outboxRows(a.id);
    expect(rows.map((r) => [r.kind, r.to, r.subject, r.language])).toEqual([
      ['enrolled_enroll', fresh.email, 'You have been enrolled in Intro to Bulk', 'fr'],
      ['enrolled_enroll', already.email, 'You have been enrolled in Intro to Bulk', null],
      ['allowed_enroll', inactive.email, 'You have been invited to register for Intro to Bulk', null],
      ['allowed_enroll', email, 'You have been invited to register for Intro to Bulk', null],
    ]);
    const [enrolled, , , invited] = rows;
    expect(enrolled?.body).toContain('Fresh Learner');
    expect(enrolled?.body).toContain(`${LMS}/courses/${a.id}/`);
    expect(invited?.body).toContain(`${LMS}/register`);
    expect(invited?.body).toContain(email);
    expect(invited?.body).toContain(`${LMS}/courses/${a.id}/about`);
    for (const row of rows) {
      expect(row.body.trimEnd().split('\n').at(-1)).toMatch(/automatically.*localhost/);
      expect(Math.abs(row.created - Date.now())).toBeLessThan(60_000);
    }
  });

  it('an auto_enroll invitation has no about link', async () => {
    const a = await createCourse();
    const email = newEmail();
    await bulk({ identifiers: email, courses: a.id, action: 'enroll', email_students: true, auto_enroll: true });
    const [row] = await outboxRows(a.id);
    expect(row?.kind).toBe('allowed_enroll');
    expect(row?.body).not.toContain('/about');
    expect(row?.body).toContain(`${LMS}/register`);
  });

  it('unenroll: `enrolled_unenroll` and `allowed_unenroll` (both for one identifier); nothing for neither', async () => {
    const a = await createCourse({ name: 'Leaving 101' });
    const both = await createLearner({ name: 'Both States' });
    await enroll(both.id, a.id);
    await createAllowance({ email: both.email, courseId: a.id });
    const invited = newEmail();
    await createAllowance({ email: invited, courseId: a.id });
    const nobody = newEmail();
    await bulk({
      identifiers: [both.username, invited, nobody].join('\n'),
      courses: a.id,
      action: 'unenroll',
      email_students: 'true',
    });
    const rows = await outboxRows(a.id);
    expect(rows.map((r) => [r.kind, r.to, r.subject])).toEqual([
      ['enrolled_unenroll', both.email, 'You have been un-enrolled from Leaving 101'],
      ['allowed_unenroll', both.email, 'You have been un-enrolled from Leaving 101'],
      ['allowed_unenroll', invited, 'You have been un-enrolled from Leaving 101'],
    ]);
    expect(rows[0]?.body).toContain('Both States');
  });

  it('no e-mail to a retired address or an invalid identifier', async () => {
    const a = await createCourse();
    const { originalEmail } = await createRetiredEmail();
    await bulk({ identifiers: `${originalEmail} nobody x@`, courses: a.id, action: 'enroll', email_students: true });
    expect(await outboxRows(a.id)).toEqual([]);
  });

  it('one message per course for several courses', async () => {
    const [a, b] = [await createCourse({ name: 'Course A' }), await createCourse({ name: 'Course B' })];
    const email = newEmail();
    await bulk({ identifiers: email, courses: `${a.id},${b.id}`, action: 'enroll', email_students: true });
    expect((await outboxRows(a.id)).map((r) => r.subject)).toEqual(['You have been invited to register for Course A']);
    expect((await outboxRows(b.id)).map((r) => r.subject)).toEqual(['You have been invited to register for Course B']);
  });

  it('queued messages are readable through GET /api/admin/v1/outbox (provisioning.md#outbox)', async () => {
    const a = await createCourse({ name: 'Outbox Course' });
    const email = newEmail();
    await bulk({ identifiers: email, courses: a.id, action: 'enroll', email_students: true });
    const res = await call(`/api/admin/v1/outbox?to=${encodeURIComponent(email)}`, { headers: apiKeyHeader });
    expect(res.status, res.text).toBe(200);
    expect(res.body.results).toEqual([
      {
        to: email,
        kind: 'allowed_enroll',
        course_id: a.id,
        subject: 'You have been invited to register for Outbox Course',
        body: expect.stringContaining(`${LMS}/register`),
        created: expect.any(String),
      },
    ]);
  });
});
