import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { countResults } from '../../src/jobs/jobs.plan';
import { bulk, createManyUsers, createRetiredEmail, newEmail, staffHeader } from '../helpers/bulk-fixtures';
import {
  addToCohort,
  createAllowance,
  createCohort,
  createCourse,
  createUser,
  enroll,
  userByUsername,
} from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { jobUrl, storeJob, waitForJob } from './support';

// docs/api/bulk-jobs.md#equivalence: a job does what the sync endpoint does with the same input —
// results, enrollments, allowances, audit, e-mails, cohorts — here in chunks of 3 pairs, so
// duplicates and a learner's several identifiers fall in different chunks.

const MODES = [{ slug: 'audit' }, { slug: 'verified' }];

interface People {
  names: string[];
  inactive: string;
  verified: string;
  allowed: string;
  retired: string;
  fresh: string[];
}

async function people(): Promise<People> {
  const names = await createManyUsers(unique('eq'), 4);
  const inactive = await createUser({ isActive: false });
  const verified = await createUser();
  const { originalEmail } = await createRetiredEmail();
  return {
    names,
    inactive: inactive.email,
    verified: verified.username,
    allowed: newEmail('eqa'),
    retired: originalEmail,
    fresh: [newEmail('eqf'), newEmail('eqf')],
  };
}

async function courseFor(p: People) {
  const course = await createCourse({ name: 'Equivalence 101', modes: MODES });
  const cohort = await createCohort(course.id, 'Eq');
  const other = await createCohort(course.id, 'Other');
  const verified = await userByUsername(p.verified);
  const first = await userByUsername(p.names[0] as string);
  if (!verified || !first) throw new Error('setup');
  await enroll(verified.id, course.id, { mode: 'verified' });
  await addToCohort(other, first.id);
  await createAllowance({ email: p.allowed, courseId: course.id });
  return { course, cohort };
}

const rows = (sql: string, courseId: string) =>
  env.DB.prepare(sql)
    .bind(courseId)
    .all()
    .then((r) => r.results);

/** Everything a bulk request writes in one course, with the course id taken out. */
async function written(courseId: string) {
  const strip = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll(courseId, '<course>'));
  return strip({
    enrollments: await rows(
      'select user_id, mode, is_active from enrollments where course_id = ? order by user_id',
      courseId,
    ),
    allowances: await rows(
      'select email, auto_enroll, user_id from enrollment_allowances where course_id = ? order by email',
      courseId,
    ),
    audit: await rows(
      `select enrolled_email, state_transition, enrolled_by, reason, user_id, source, enrollment_id is not null as linked
       from enrollment_audit where course_id = ? order by id`,
      courseId,
    ),
    outbox: await rows(
      'select "to", kind, subject, body, language from outbox where course_id = ? order by id',
      courseId,
    ),
    memberships: await rows(
      `select m.user_id, c.name from cohort_memberships m join cohorts c on c.id = m.cohort_id
       where m.course_id = ? order by m.user_id`,
      courseId,
    ),
    preassignments: await rows(
      `select p.email, c.name from cohort_preassignments p join cohorts c on c.id = p.cohort_id
       where p.course_id = ? order by p.email`,
      courseId,
    ),
  });
}

async function jobResults(id: string, headers: Record<string, string>) {
  const res = await call(`${jobUrl(id)}/results?page_size=10000`, {
    headers: { ...headers, Accept: 'application/json' },
  });
  return (res.body.results as Record<string, unknown>[]).map(({ course_id: _, ...result }) => result);
}

async function compare(json: Record<string, unknown>, a: string, b: string, headers: Record<string, string>) {
  const sync = await bulk({ ...json, courses: a }, headers);
  expect(sync.status).toBe(200);
  const job = await storeJob({ ...json, courses: b }, { chunk: 3, queue: env.JOBS as never, username: unique('eqj') });
  const done = await waitForJob(job.job_id, job.headers);
  const expected = sync.body.courses[a].results;
  expect(await jobResults(job.job_id, job.headers)).toEqual(expected);
  expect(done.counts).toEqual(countResults(expected));
  return expected;
}

describe('a job and the sync endpoint on the same input', () => {
  it('enroll with cohorts and e-mails, then unenroll: the same results and the same writes', async () => {
    const p = await people();
    const a = await courseFor(p);
    const b = await courseFor(p);
    const [n0, n1, n2, n3] = p.names as [string, string, string, string];
    const identifiers = [n0, p.fresh[0], 'not-an-email', n1, p.inactive, p.allowed, n0, p.verified, p.retired, n2]
      .concat([`${n3}@example.com`, p.fresh[1], p.fresh[0], n3])
      .join('\n');
    const actor = await staffHeader();
    const enrollBody = {
      identifiers,
      action: 'enroll',
      cohorts: 'Eq',
      auto_enroll: true,
      email_students: true,
      reason: 'term start',
    };
    // The job's audit names its creator; the sync request's actor differs, so compare without it.
    await compare(enrollBody, a.course.id, b.course.id, actor);
    const withoutActor = (w: Awaited<ReturnType<typeof written>>) => ({
      ...w,
      audit: w.audit.map((r: Record<string, unknown>) => ({ ...r, enrolled_by: r.enrolled_by ? 'staff' : null })),
    });
    expect(withoutActor(await written(b.course.id))).toEqual(withoutActor(await written(a.course.id)));
    const unenrollBody = { identifiers, action: 'unenroll', email_students: true };
    await compare(unenrollBody, a.course.id, b.course.id, actor);
    expect(withoutActor(await written(b.course.id))).toEqual(withoutActor(await written(a.course.id)));
  });

  it('mode: new enrollments get it, an active enrollment keeps its own', async () => {
    const p = await people();
    const { course } = await courseFor(p);
    const [newcomer, auditor] = await Promise.all([
      userByUsername(p.names[1] as string),
      userByUsername(p.names[2] as string),
    ]);
    if (!newcomer || !auditor) throw new Error('setup');
    await enroll(auditor.id, course.id, { mode: 'audit' });
    const job = await storeJob(
      {
        identifiers: [newcomer.username, auditor.username].join(' '),
        courses: course.id,
        action: 'enroll',
        mode: 'verified',
      },
      { queue: env.JOBS as never },
    );
    await waitForJob(job.job_id, job.headers);
    const modeOf = async (userId: number) =>
      (
        await env.DB.prepare('select mode from enrollments where course_id = ? and user_id = ?')
          .bind(course.id, userId)
          .first()
      )?.mode;
    expect(await modeOf(newcomer.id)).toBe('verified');
    expect(await modeOf(auditor.id)).toBe('audit');
  });

  it('dry_run: the results of the sync dry run, and nothing written', async () => {
    const p = await people();
    const a = await courseFor(p);
    const b = await courseFor(p);
    const before = await written(b.course.id);
    const identifiers = [p.names[1], p.fresh[0], p.verified, 'x@'].join(' ');
    await compare(
      { identifiers, action: 'enroll', dry_run: true, email_students: true },
      a.course.id,
      b.course.id,
      await staffHeader(),
    );
    expect(await written(b.course.id)).toEqual(before);
  });
});
