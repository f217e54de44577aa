import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { applyChunk } from '../../src/jobs/jobs.chunk';
import { JOB_MAX_ATTEMPTS } from '../../src/jobs/jobs.consumer';
import { activeCount, bulkSnapshot, countFor, createManyUsers, newEmail, outboxRows } from '../helpers/bulk-fixtures';
import { createCourse, deleteCourse } from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { ageJob, jobContext, jobRow, jobUrl, lostQueue, runCron, runJobsQueue, storeJob, waitForJob } from './support';

// docs/api/bulk-jobs.md#exactly-once and #resume: a chunk commits once, whatever is delivered.

async function world(users = 4, emails = 2) {
  const course = await createCourse();
  const names = await createManyUsers(unique('jx'), users);
  const mails = Array.from({ length: emails }, () => newEmail('jx'));
  return { course, identifiers: [...names, ...mails], emails: mails };
}

const chunkMessage = (job: string, chunk: number) => ({ kind: 'job_chunk' as const, job, chunk });

describe('a redelivered chunk is applied once', () => {
  it('the same message twice: the second acks and changes nothing', async () => {
    const { course, identifiers, emails } = await world();
    const job = await storeJob(
      { identifiers: identifiers.join(' '), courses: course.id, action: 'enroll', email_students: true },
      { chunk: 3 },
    );
    const lost = lostQueue();
    const first = await runJobsQueue([chunkMessage(job.job_id, 0)], { JOBS: lost as never });
    expect(first.explicitAcks).toHaveLength(1);
    const scope = { courseIds: [course.id], userIds: [], emails };
    const before = await bulkSnapshot(scope);
    const row = await jobRow(job.job_id);
    const again = await runJobsQueue([chunkMessage(job.job_id, 0)], { JOBS: lost as never });
    expect(again.explicitAcks).toHaveLength(1);
    expect(again.retryMessages).toEqual([]);
    expect(await bulkSnapshot(scope)).toBe(before);
    expect(await jobRow(job.job_id)).toEqual(row);
    expect(row).toMatchObject({ processed: 3, next_chunk: 1, enrolled: 3 });
    // One next-chunk message: only the delivery that committed sends it.
    expect(lost.sent).toEqual([chunkMessage(job.job_id, 1)]);
    expect(await outboxRows(course.id)).toHaveLength(3);
  });

  it('a concurrent duplicate that planned on a stale read fails whole on the chunk marker', async () => {
    const { course, identifiers, emails } = await world(2, 2);
    const job = await storeJob(
      { identifiers: identifiers.join(' '), courses: course.id, action: 'enroll' },
      { chunk: 4 },
    );
    expect(await applyChunk(jobContext(), job.job_id, 0)).toBe('applied');
    const scope = { courseIds: [course.id], userIds: [], emails };
    const before = await bulkSnapshot(scope);
    // As if the second delivery had read the job before the first committed.
    await env.DB.prepare("update bulk_jobs set next_chunk = 0, status = 'running' where id = ?").bind(job.job_id).run();
    const ctx = jobContext();
    expect(await applyChunk(ctx, job.job_id, 0)).toBe('already_applied');
    expect(ctx.metrics.queries).toBe(3);
    expect(await bulkSnapshot(scope)).toBe(before);
    expect(await jobRow(job.job_id)).toMatchObject({ processed: 4, enrolled: 2, allowed: 2 });
    expect(await countFor('enrollment_audit', course.id)).toBe(4);
  });

  it('two deliveries at once: the chunk is applied once', async () => {
    const { course, identifiers } = await world(6, 0);
    const job = await storeJob(
      { identifiers: identifiers.join(' '), courses: course.id, action: 'enroll' },
      { chunk: 6 },
    );
    const outcomes = await Promise.all([
      applyChunk(jobContext(), job.job_id, 0),
      applyChunk(jobContext(), job.job_id, 0),
    ]);
    expect(outcomes.sort()).toEqual(['already_applied', 'applied']);
    expect(await jobRow(job.job_id)).toMatchObject({ processed: 6, enrolled: 6, status: 'succeeded' });
    expect(await countFor('enrollment_audit', course.id)).toBe(6);
  });
});

describe('a consumer that died mid-job: the sweep resumes it', () => {
  it('the next message was lost after chunk 0 committed; the cron re-sends it once the job stalled', async () => {
    const { course, identifiers } = await world(6, 0);
    const job = await storeJob(
      { identifiers: identifiers.join(' '), courses: course.id, action: 'enroll' },
      { chunk: 2 },
    );
    await runJobsQueue([chunkMessage(job.job_id, 0)], { JOBS: lostQueue() as never });
    const early = lostQueue();
    await runCron({ JOBS: early as never });
    expect(early.sent.filter((m) => m.job === job.job_id)).toEqual([]);
    await ageJob(job.job_id, 120_000);
    await runCron();
    const done = await waitForJob(job.job_id, job.headers);
    expect(done).toMatchObject({ processed: 6, counts: { enrolled: 6 } });
    expect(await activeCount(course.id)).toBe(6);
    expect(await countFor('enrollment_audit', course.id)).toBe(6);
  });

  it('a job whose first message never reached the queue starts with the sweep', async () => {
    const { course, identifiers } = await world(2, 1);
    const job = await storeJob({ identifiers: identifiers.join(' '), courses: course.id, action: 'enroll' });
    await ageJob(job.job_id, 120_000);
    await runCron();
    await waitForJob(job.job_id, job.headers);
    expect(await activeCount(course.id)).toBe(2);
  });

  it('a failing chunk is retried by the queue, and marks its job failed after the last attempt', async () => {
    const { course, identifiers } = await world(2, 0);
    const job = await storeJob({ identifiers: identifiers.join(' '), courses: course.id, action: 'enroll' });
    // D1 refuses the chunk's write batch (more than one statement); single statements still run.
    const real = env.DB;
    const failing = new Proxy(real, {
      get: (target, prop) =>
        prop === 'batch'
          ? (statements: D1PreparedStatement[]) =>
              statements.length > 2 ? Promise.reject(new Error('D1 unavailable')) : target.batch(statements)
          : Reflect.get(target, prop, target).bind(target),
    });
    const first = await runJobsQueue([chunkMessage(job.job_id, 0)], { DB: failing });
    expect(first.retryMessages).toHaveLength(1);
    expect(await jobRow(job.job_id)).toMatchObject({ status: 'queued', processed: 0 });
    const last = await runJobsQueue([chunkMessage(job.job_id, 0)], { DB: failing }, JOB_MAX_ATTEMPTS);
    expect(last.explicitAcks).toHaveLength(1);
    const status = (await call(jobUrl(job.job_id), { headers: job.headers })).body;
    expect(status).toMatchObject({
      status: 'failed',
      processed: 0,
      error: 'Chunk 0 could not be applied (5 attempts).',
    });
    expect(await activeCount(course.id)).toBe(0);
  });

  it('a course deleted after validation fails the job at once, naming it', async () => {
    const { course, identifiers } = await world(2, 0);
    const job = await storeJob({ identifiers: identifiers.join(' '), courses: course.id, action: 'enroll' });
    await deleteCourse(course.id);
    expect(await applyChunk(jobContext(), job.job_id, 0)).toBe('failed');
    expect(await jobRow(job.job_id)).toMatchObject({ status: 'failed', error: `Course ${course.id} not found.` });
  });
});
