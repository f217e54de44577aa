import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/lib/errors';
import { BULK, bulk, newEmail, staffHeader } from '../helpers/bulk-fixtures';
import { createCohort, createCourse } from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { JOBS, jobUrl, postJob, storeJob, waitForJob } from './support';

// docs/api/bulk-jobs.md#validation: the whole request is validated before anything is stored, with
// the sync endpoint's messages; a refused job stores nothing and queues nothing.

const jobsBy = async (username: string) =>
  (await env.DB.prepare('select count(*) as n from bulk_jobs where created_by = ?').bind(username).first())?.n;

async function sameAsSync(json: unknown, init: { body?: string; contentType?: string; query?: string } = {}) {
  const username = unique('jv');
  const headers = await staffHeader(username);
  const send = (path: string) =>
    init.body === undefined
      ? call(`${path}${init.query ?? ''}`, { method: 'POST', json, headers })
      : call(`${path}${init.query ?? ''}`, {
          method: 'POST',
          body: init.body,
          headers: { ...headers, 'Content-Type': init.contentType ?? 'application/json' },
        });
  const [sync, job] = [await send(BULK), await send(JOBS)];
  expect(job.status).toBe(sync.status);
  expect(job.body).toEqual(sync.body);
  expect(await jobsBy(username)).toBe(0);
  return job;
}

describe('validation: the sync endpoint’s answers, nothing stored', () => {
  it.each([
    ['nothing', {}],
    ['blank identifiers', { identifiers: ' ', courses: 'course-v1:a+b+c', action: 'enroll' }],
    ['an identifiers array', { identifiers: ['a'], courses: 'course-v1:a+b+c', action: 'enroll' }],
    ['a bad action', { identifiers: 'a', courses: 'course-v1:a+b+c', action: 'Enroll' }],
    ['a bad course key', { identifiers: 'a', courses: 'course-v1:a+b+c, x', action: 'enroll' }],
    ['a bad boolean', { identifiers: 'a', courses: 'course-v1:a+b+c', action: 'enroll', auto_enroll: 'maybe' }],
    ['a long reason', { identifiers: 'a', courses: 'course-v1:a+b+c', action: 'enroll', reason: 'r'.repeat(1001) }],
    ['cohorts with unenroll', { identifiers: 'a', courses: 'course-v1:a+b+c', action: 'unenroll', cohorts: 'A' }],
    ['cohorts ≠ courses', { identifiers: 'a', courses: 'course-v1:a+b+c', action: 'enroll', cohorts: 'A,B' }],
    ['a JSON array body', [1, 2]],
  ])('%s → 400', async (_, json) => {
    expect((await sameAsSync(json)).status).toBe(400);
  });

  it('an unknown cohort → 400, an unknown course → 404', async () => {
    const course = await createCourse();
    await createCohort(course.id, 'Known');
    const base = { identifiers: newEmail('jv'), action: 'enroll' };
    expect((await sameAsSync({ ...base, courses: course.id, cohorts: 'Unknown' })).status).toBe(400);
    expect((await sameAsSync({ ...base, courses: `${course.id},course-v1:No+Such+Course` })).status).toBe(404);
  });

  it('a body that is not JSON, and a CSV without an identifier column → 400', async () => {
    expect((await sameAsSync(undefined, { body: '{"identifiers": ' })).status).toBe(400);
    const csv = { body: 'name\nalice\n', contentType: 'text/csv', query: '?courses=course-v1:a+b+c&action=enroll' };
    expect((await sameAsSync(undefined, csv)).status).toBe(400);
  });

  it('a CSV upload is accepted like the sync endpoint’s (fields in the query string)', async () => {
    const course = await createCourse();
    const headers = await staffHeader();
    const res = await call(`${JOBS}?courses=${encodeURIComponent(course.id)}&action=enroll&dry_run=true`, {
      method: 'POST',
      body: `email\n${newEmail('jcsv')}\n${newEmail('jcsv')}\n`,
      headers: { ...headers, 'Content-Type': 'text/csv' },
    });
    expect(res.status).toBe(202);
    expect(res.body.total).toBe(2);
    expect((await waitForJob(res.body.job_id, headers)).dry_run).toBe(true);
  });

  it('a mode the course does not offer → 400 naming mode, nothing queued', async () => {
    const course = await createCourse({ modes: [{ slug: 'audit' }, { slug: 'verified', expirationAt: 1000 }] });
    const username = unique('jv');
    const headers = await staffHeader(username);
    const base = { identifiers: newEmail('jv'), courses: course.id, action: 'enroll' };
    for (const mode of ['professional', 'verified']) {
      const res = await postJob({ ...base, mode }, headers);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ mode: [`Course ${course.id} does not offer the mode ${mode}.`] });
    }
    expect((await postJob({ ...base, mode: 7 }, headers)).body).toEqual({ mode: ['Not a valid string.'] });
    expect(await jobsBy(username)).toBe(0);
    expect((await postJob({ ...base, mode: 'audit' }, headers)).status).toBe(202);
  });

  it('identifiers that split to nothing: a job with nothing to do, succeeded at once', async () => {
    const course = await createCourse();
    const headers = await staffHeader();
    const res = await postJob({ identifiers: ' , ,', courses: course.id, action: 'enroll' }, headers);
    expect(res.status).toBe(202);
    expect(res.body.total).toBe(0);
    const job = (await call(jobUrl(res.body.job_id), { headers })).body;
    expect(job).toMatchObject({ status: 'succeeded', processed: 0, total: 0 });
  });
});

describe('size bounds', () => {
  it('12,000 pairs: 413 on the sync endpoint, accepted and completed as a job', async () => {
    const course = await createCourse();
    const identifiers = Array.from({ length: 12_000 }, (_, i) => `j12k${i}@example.com`).join('\n');
    const json = { identifiers, courses: course.id, action: 'enroll', dry_run: true };
    const headers = await staffHeader();
    const sync = await bulk(json, headers);
    expect(sync.status).toBe(413);
    const res = await postJob(json, headers);
    expect(res.status).toBe(202);
    expect(res.body.total).toBe(12_000);
    const done = await waitForJob(res.body.job_id, headers, (j) => j.status === 'succeeded', 60_000);
    expect(done).toMatchObject({ processed: 12_000, counts: { allowed: 12_000 } });
  }, 90_000);

  it('a body over 1 MiB reaches the job endpoint; over 32 MiB → 413 JSON', async () => {
    const course = await createCourse();
    const headers = await staffHeader();
    // 1,500 invalid identifiers of 1,000 characters each: 1.5 MB, cheap to process.
    const identifiers = Array.from({ length: 1500 }, (_, i) => `${i}`.padEnd(1000, 'x')).join('\n');
    const json = { identifiers, courses: course.id, action: 'enroll', dry_run: true };
    expect((await bulk(json, headers)).status).toBe(413);
    const res = await postJob(json, headers);
    expect(res.status).toBe(202);
    const huge = await call(JOBS, {
      method: 'POST',
      body: 'x'.repeat(32 * 1024 * 1024 + 1),
      headers: { ...headers, 'Content-Type': 'application/json' },
    });
    expect(huge.status).toBe(413);
    expect(huge.body).toEqual({
      error_code: 'payload_too_large',
      developer_message: 'Request body exceeds the 32 MiB limit.',
    });
  });

  it('more than BULK_JOB_MAX_PAIRS → 413 naming the job bound', async () => {
    const course = await createCourse();
    const identifiers = Array.from({ length: 11 }, () => newEmail('jmax')).join(' ');
    const refused = storeJob({ identifiers, courses: course.id, action: 'enroll' }, { maxPairs: 10 });
    await expect(refused).rejects.toThrow(ApiError);
    await expect(refused).rejects.toMatchObject({
      status: 413,
      body: {
        error_code: 'too_many_identifiers',
        developer_message: '11 identifiers × 1 courses = 11 pairs; at most 10 per job. Split the list.',
      },
    });
  });
});
