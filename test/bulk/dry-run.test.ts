import { describe, expect, it } from 'vitest';
import { bulk, bulkSnapshot, createRetiredEmail, newEmail, outboxRows } from '../helpers/bulk-fixtures';
import {
  addToCohort,
  createAllowance,
  createCohort,
  createCourse,
  createUser,
  enroll,
  preassignCohort,
} from '../helpers/fixtures';
import { dbQueries } from '../helpers/request';

// Issue 4 "Beyond upstream": `dry_run: true` validates and computes every result without changing
// anything or queuing e-mail; the results equal those of the real run that follows.

async function scenario() {
  const [a, b] = [await createCourse(), await createCourse()];
  const ga = await createCohort(a.id, 'GA');
  const other = await createCohort(a.id, 'Other');
  await createCohort(b.id, 'GB');
  const enrolled = await createUser();
  await enroll(enrolled.id, a.id, { mode: 'verified' });
  await addToCohort(other, enrolled.id);
  const fresh = await createUser();
  const inactive = await createUser({ isActive: false });
  const invited = newEmail();
  await createAllowance({ email: invited, courseId: a.id, autoEnroll: false });
  await preassignCohort(ga, invited);
  const email = newEmail();
  const { originalEmail } = await createRetiredEmail();
  const identifiers = [
    enrolled.username,
    fresh.email,
    inactive.username,
    invited,
    email,
    originalEmail,
    'nobody',
    'bad@',
    fresh.username,
    email,
  ].join('\n');
  const scope = {
    courseIds: [a.id, b.id],
    userIds: [enrolled.id, fresh.id, inactive.id],
    emails: [enrolled.email, fresh.email, inactive.email, invited, email, originalEmail],
  };
  return { a, b, identifiers, scope, enrolled, invited };
}

describe('dry_run', () => {
  it('enroll with cohorts, auto_enroll and e-mail: same results as the real run, nothing changed before it', async () => {
    const { a, b, identifiers, scope } = await scenario();
    const body = {
      identifiers,
      courses: `${a.id},${b.id},${a.id}`,
      cohorts: 'GA,GB,GA',
      action: 'enroll',
      auto_enroll: true,
      email_students: true,
      reason: 'dry',
    };
    const before = await bulkSnapshot(scope);
    const dry = await bulk({ ...body, dry_run: true });
    expect(dry.status, dry.text).toBe(200);
    expect(await bulkSnapshot(scope), 'dry run changed data').toBe(before);
    expect(await outboxRows(a.id)).toEqual([]);

    const real = await bulk(body);
    expect(real.status).toBe(200);
    expect(await bulkSnapshot(scope)).not.toBe(before);
    expect(await outboxRows(a.id)).not.toEqual([]);
    const { dry_run, ...rest } = dry.body;
    expect(dry_run).toBe(true);
    expect(real.body).not.toHaveProperty('dry_run');
    expect(rest).toEqual(real.body);
  });

  it('unenroll: same results as the real run, nothing changed before it', async () => {
    const { a, b, identifiers, scope } = await scenario();
    const body = { identifiers, courses: `${a.id},${b.id}`, action: 'unenroll', email_students: 'true' };
    const before = await bulkSnapshot(scope);
    const dry = await bulk({ ...body, dry_run: 'true' });
    expect(dry.status).toBe(200);
    expect(await bulkSnapshot(scope)).toBe(before);
    const real = await bulk(body);
    const { dry_run: _flag, ...rest } = dry.body;
    expect(rest).toEqual(real.body);
    expect(await bulkSnapshot(scope)).not.toBe(before);
  });

  it('dry_run false (or absent) is a real run', async () => {
    const a = await createCourse();
    const email = newEmail();
    const scope = { courseIds: [a.id], userIds: [], emails: [email] };
    const before = await bulkSnapshot(scope);
    const res = await bulk({ identifiers: email, courses: a.id, action: 'enroll', dry_run: 'false' });
    expect(res.body).not.toHaveProperty('dry_run');
    expect(await bulkSnapshot(scope)).not.toBe(before);
  });

  it('dry_run is validated like the other booleans', async () => {
    const a = await createCourse();
    const res = await bulk({ identifiers: newEmail(), courses: a.id, action: 'enroll', dry_run: 'perhaps' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ dry_run: ['Must be a valid boolean.'] });
  });

  it('dry_run still refuses an unknown cohort (400) before computing anything', async () => {
    const { a, identifiers, scope } = await scenario();
    const before = await bulkSnapshot(scope);
    const res = await bulk({ identifiers, courses: a.id, action: 'enroll', cohorts: 'Missing', dry_run: true });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ non_field_errors: [`cohort Missing not found in course ${a.id}.`] });
    expect(await bulkSnapshot(scope)).toBe(before);
  });

  it('a dry run of 1000 identifiers only reads (a couple of round trips)', async () => {
    const a = await createCourse();
    const identifiers = Array.from({ length: 1000 }, () => newEmail('dry')).join(',');
    const res = await bulk({ identifiers, courses: a.id, action: 'enroll', email_students: true, dry_run: true });
    expect(res.status).toBe(200);
    expect(res.body.courses[a.id].results).toHaveLength(1000);
    expect(dbQueries(res.headers)).toBeLessThanOrEqual(3);
    expect(await outboxRows(a.id)).toEqual([]);
  });
});
