import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { applyChunk } from '../../src/jobs/jobs.chunk';
import { createManyUsers, newEmail } from '../helpers/bulk-fixtures';
import { createCourse, enrollmentRows } from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { jobContext, jobRow, jobUrl, lostQueue, postJob, runJobsQueue, staff, storeJob, waitForJob } from './support';

// docs/api/bulk-jobs.md#lifecycle: queued → running → succeeded, `processed` growing chunk by chunk.

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/;
const counts = (enrolled: number, allowed: number, invalid: number, unenrolled = 0, unchanged = 0) => ({
  enrolled,
  unenrolled,
  allowed,
  unchanged,
  invalid,
});

describe('a job end to end through the local JOBS queue', () => {
  it('answers 202 with Location, then succeeds with counts adding up to processed', async () => {
    const course = await createCourse();
    const names = await createManyUsers(unique('jl'), 3);
    const emails = [newEmail('jl'), newEmail('jl')];
    const { headers } = await staff();
    const res = await postJob(
      { identifiers: [...names, ...emails, 'bad@'].join('\n'), courses: course.id, action: 'enroll' },
      headers,
    );
    expect(res.status).toBe(202);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    const id = res.body.job_id as string;
    expect(res.body).toEqual({
      job_id: id,
      status: 'queued',
      total: 6,
      status_url: `http://edge.test/api/bulk_enroll/v1/jobs/${id}`,
      results_url: `http://edge.test/api/bulk_enroll/v1/jobs/${id}/results`,
    });
    expect(res.headers.get('Location')).toBe(res.body.status_url);
    const done = await waitForJob(id, headers);
    expect(done).toEqual({
      job_id: id,
      status: 'succeeded',
      action: 'enroll',
      dry_run: false,
      total: 6,
      processed: 6,
      counts: counts(3, 2, 1),
      created: expect.stringMatching(ISO),
      started: expect.stringMatching(ISO),
      finished: expect.stringMatching(ISO),
      error: null,
    });
    expect((await enrollmentRows(course.id)).filter((e) => e.isActive)).toHaveLength(3);
  });

  it('runs a job of several chunks to the end, one message after the other', async () => {
    const course = await createCourse();
    const names = await createManyUsers(unique('jm'), 7);
    const job = await storeJob(
      { identifiers: names.join(','), courses: course.id, action: 'enroll' },
      { chunk: 2, queue: env.JOBS as never },
    );
    const done = await waitForJob(job.job_id, job.headers);
    expect(done.processed).toBe(7);
    expect((await jobRow(job.job_id)).next_chunk).toBe(4);
    expect((await enrollmentRows(course.id)).filter((e) => e.isActive)).toHaveLength(7);
  });
});

describe('progress, chunk by chunk (the consumer called directly)', () => {
  it('queued, then running with processed growing, then succeeded', async () => {
    const course = await createCourse();
    const names = await createManyUsers(unique('jp'), 5);
    const job = await storeJob({ identifiers: names.join(' '), courses: course.id, action: 'enroll' }, { chunk: 2 });
    const status = async () => (await call(jobUrl(job.job_id), { headers: job.headers })).body;
    expect(await status()).toMatchObject({ status: 'queued', processed: 0, total: 5, started: null, finished: null });
    const lost = lostQueue();
    await runJobsQueue([{ kind: 'job_chunk', job: job.job_id, chunk: 0 }], { JOBS: lost as never });
    expect(await status()).toMatchObject({ status: 'running', processed: 2, counts: counts(2, 0, 0), finished: null });
    expect(lost.sent).toEqual([{ kind: 'job_chunk', job: job.job_id, chunk: 1 }]);
    await runJobsQueue([{ kind: 'job_chunk', job: job.job_id, chunk: 1 }], { JOBS: lost as never });
    expect(await status()).toMatchObject({ status: 'running', processed: 4 });
    await runJobsQueue([{ kind: 'job_chunk', job: job.job_id, chunk: 2 }], { JOBS: lost as never });
    const last = await status();
    expect(last).toMatchObject({ status: 'succeeded', processed: 5, counts: counts(5, 0, 0) });
    expect(last.finished).toMatch(ISO);
    // The last chunk sends nothing more.
    expect(lost.sent).toHaveLength(2);
  });

  it('a chunk costs 3 D1 round trips: its input, the state it decides on, one atomic batch', async () => {
    const course = await createCourse();
    const names = await createManyUsers(unique('jr'), 40);
    const emails = Array.from({ length: 40 }, () => newEmail('jr'));
    const job = await storeJob(
      { identifiers: [...names, ...emails].join(' '), courses: course.id, action: 'enroll', email_students: true },
      { chunk: 40 },
    );
    for (const chunk of [0, 1]) {
      const ctx = jobContext();
      expect(await applyChunk(ctx, job.job_id, chunk)).toBe('applied');
      expect(ctx.metrics.queries).toBe(3);
    }
    const ctx = jobContext();
    expect(await applyChunk(ctx, job.job_id, 1)).toBe('already_applied');
    expect(ctx.metrics.queries).toBe(1);
  });
});
