import { describe, expect, it } from 'vitest';
import { bulk, createRetiredEmail, newEmail, preassignmentRows, state } from '../helpers/bulk-fixtures';
import {
  addToCohort,
  cohortOf,
  createCohort,
  createCourse,
  createUser,
  enroll,
  preassignCohort,
} from '../helpers/fixtures';

// docs/api/bulk-enroll.md#cohorts: cohorts in bulk requests (paired with courses by position, enroll only).

describe('cohorts (#cohorts)', () => {
  it('moves registered users in and pre-assigns e-mails without account', async () => {
    const a = await createCourse();
    const cohort = await createCohort(a.id, 'cohortA');
    const other = await createCohort(a.id, 'cohortB');
    const fresh = await createUser();
    const mover = await createUser();
    await addToCohort(other, mover.id);
    const stayer = await createUser();
    await enroll(stayer.id, a.id);
    await addToCohort(cohort, stayer.id);
    const email = newEmail();
    const res = await bulk({
      identifiers: [fresh.username, mover.email, stayer.username, email].join(','),
      courses: a.id,
      action: 'enroll',
      cohorts: 'cohortA',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.courses[a.id].results).toEqual([
      {
        identifier: fresh.username,
        before: { ...state(true, false, false), cohort: null },
        after: { ...state(true, true, false), cohort: 'cohortA' },
      },
      {
        identifier: mover.email,
        before: { ...state(true, false, false), cohort: 'cohortB' },
        after: { ...state(true, true, false), cohort: 'cohortA' },
      },
      {
        identifier: stayer.username,
        before: { ...state(true, true, false), cohort: 'cohortA' },
        after: { ...state(true, true, false), cohort: 'cohortA' },
      },
      {
        identifier: email,
        before: { ...state(false, false, false), cohort: null },
        after: { ...state(false, false, true), cohort: 'cohortA' },
      },
    ]);
    for (const user of [fresh, mover, stayer]) expect(await cohortOf(user.id, a.id)).toBe('cohortA');
    expect(await preassignmentRows(a.id)).toEqual([{ email, cohortId: cohort.id }]);
  });

  it('a move leaves exactly one membership and does not touch other courses', async () => {
    const [a, b] = [await createCourse(), await createCourse()];
    const target = await createCohort(a.id, 'T');
    const old = await createCohort(a.id, 'Old');
    const elsewhere = await createCohort(b.id, 'Elsewhere');
    const user = await createUser();
    await addToCohort(old, user.id);
    await addToCohort(elsewhere, user.id);
    await bulk({ identifiers: user.username, courses: a.id, action: 'enroll', cohorts: target.name });
    expect(await cohortOf(user.id, a.id)).toBe('T');
    expect(await cohortOf(user.id, b.id)).toBe('Elsewhere');
  });

  it('an existing pre-assignment to another cohort is replaced', async () => {
    const a = await createCourse();
    const first = await createCohort(a.id, 'First');
    const second = await createCohort(a.id, 'Second');
    const email = newEmail();
    await preassignCohort(first, email);
    const res = await bulk({ identifiers: email, courses: a.id, action: 'enroll', cohorts: 'Second' });
    expect(res.body.courses[a.id].results[0].before.cohort).toBeNull();
    expect(await preassignmentRows(a.id)).toEqual([{ email, cohortId: second.id }]);
  });

  it('pairs cohorts with courses by position (also as arrays)', async () => {
    const [a, b] = [await createCourse(), await createCourse()];
    await createCohort(a.id, 'Same');
    await createCohort(b.id, 'Same');
    await createCohort(b.id, 'OnlyB');
    const user = await createUser();
    const res = await bulk({
      identifiers: user.username,
      courses: [a.id, b.id],
      action: 'enroll',
      cohorts: ['Same', 'OnlyB'],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.courses[a.id].results[0].after.cohort).toBe('Same');
    expect(res.body.courses[b.id].results[0].after.cohort).toBe('OnlyB');
    expect(await cohortOf(user.id, a.id)).toBe('Same');
    expect(await cohortOf(user.id, b.id)).toBe('OnlyB');
  });

  it('no cohort keys without cohorts, or with an empty cohorts string', async () => {
    const a = await createCourse();
    await createCohort(a.id, 'Unused');
    const user = await createUser();
    for (const extra of [{}, { cohorts: '' }]) {
      const res = await bulk({
        identifiers: `${user.username},${newEmail()}`,
        courses: a.id,
        action: 'enroll',
        ...extra,
      });
      expect(res.status).toBe(200);
      for (const r of res.body.courses[a.id].results) {
        expect(r.before).not.toHaveProperty('cohort');
        expect(r.after).not.toHaveProperty('cohort');
      }
    }
    expect(await cohortOf(user.id, a.id)).toBeNull();
  });

  it('no cohort keys for invalid identifiers or when after has neither enrollment nor allowance', async () => {
    const a = await createCourse();
    await createCohort(a.id, 'C');
    const { originalEmail } = await createRetiredEmail();
    const res = await bulk({ identifiers: `nobody ${originalEmail}`, courses: a.id, action: 'enroll', cohorts: 'C' });
    expect(res.body.courses[a.id].results).toEqual([
      { identifier: 'nobody', invalidIdentifier: true },
      { identifier: originalEmail, before: state(false, false, false), after: state(false, false, false) },
    ]);
    expect(await preassignmentRows(a.id)).toEqual([]);
  });

  it('an inactive user who gets an allowance joins the cohort as a registered user', async () => {
    const a = await createCourse();
    await createCohort(a.id, 'C');
    const user = await createUser({ isActive: false });
    const res = await bulk({ identifiers: user.username, courses: a.id, action: 'enroll', cohorts: 'C' });
    expect(res.body.courses[a.id].results[0]).toEqual({
      identifier: user.username,
      before: { ...state(true, false, false), cohort: null },
      after: { ...state(true, false, true), cohort: 'C' },
    });
    expect(await cohortOf(user.id, a.id)).toBe('C');
    expect(await preassignmentRows(a.id)).toEqual([]);
  });

  it('a duplicate sees the cohort set by its first occurrence', async () => {
    const a = await createCourse();
    const old = await createCohort(a.id, 'Old');
    await createCohort(a.id, 'New');
    const user = await createUser();
    await addToCohort(old, user.id);
    const res = await bulk({
      identifiers: `${user.username} ${user.email}`,
      courses: a.id,
      action: 'enroll',
      cohorts: 'New',
    });
    expect(res.body.courses[a.id].results.map((r: { before: { cohort: string } }) => r.before.cohort)).toEqual([
      'Old',
      'New',
    ]);
  });

  it('cohort names with unicode and spaces inside work', async () => {
    const a = await createCourse();
    await createCohort(a.id, 'Groupe été 2026');
    const user = await createUser();
    const res = await bulk({ identifiers: user.username, courses: a.id, action: 'enroll', cohorts: 'Groupe été 2026' });
    expect(res.status, res.text).toBe(200);
    expect(await cohortOf(user.id, a.id)).toBe('Groupe été 2026');
  });
});
