import { describe, expect, it } from 'vitest';
import { activeCount, createManyUsers, newEmail } from '../helpers/bulk-fixtures';
import { createCohort, createCourse } from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { jobRow, jobUrl, lostQueue, runJobsQueue, storeJob } from './support';

// docs/api/bulk-jobs.md#cancel and #results.

const chunkMessage = (job: string, chunk: number) => ({ kind: 'job_chunk' as const, job, chunk });
const lost = () => ({ JOBS: lostQueue() as never });

describe('cancel', () => {
  it('chunks not started are not applied; the chunk that ran counts', async () => {
    const course = await createCourse();
    const names = await createManyUsers(unique('jc'), 6);
    const job = await storeJob({ identifiers: names.join(' '), courses: course.id, action: 'enroll' }, { chunk: 2 });
    await runJobsQueue([chunkMessage(job.job_id, 0)], lost());
    const res = await call(jobUrl(job.job_id), { method: 'DELETE', headers: job.headers });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'canceled', processed: 2, total: 6, counts: { enrolled: 2 } });
    expect(res.body.finished).not.toBeNull();
    await runJobsQueue([chunkMessage(job.job_id, 1)], lost());
    expect(await activeCount(course.id)).toBe(2);
    expect(await jobRow(job.job_id)).toMatchObject({ status: 'canceled', processed: 2, next_chunk: 1 });
    const again = await call(jobUrl(job.job_id), { method: 'DELETE', headers: job.headers });
    expect(again.body).toEqual(res.body);
  });

  it('cancelling a finished job changes nothing and answers it', async () => {
    const course = await createCourse();
    const job = await storeJob({ identifiers: newEmail('jc'), courses: course.id, action: 'enroll' });
    await runJobsQueue([chunkMessage(job.job_id, 0)], lost());
    const before = (await call(jobUrl(job.job_id), { headers: job.headers })).body;
    expect(before.status).toBe('succeeded');
    const res = await call(jobUrl(job.job_id), { method: 'DELETE', headers: job.headers });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(before);
  });
});

describe('results', () => {
  async function finishedJob() {
    const course = await createCourse();
    await createCohort(course.id, 'Res');
    const [alice, bob] = await createManyUsers(unique('jres'), 2);
    const mail = newEmail('jres');
    const identifiers = [alice, 'bad@', mail, bob, alice] as string[];
    const job = await storeJob(
      { identifiers: identifiers.join(','), courses: course.id, action: 'enroll', cohorts: 'Res' },
      { chunk: 2 },
    );
    for (const chunk of [0, 1, 2]) await runJobsQueue([chunkMessage(job.job_id, chunk)], lost());
    return { job, course, alice: alice as string, bob: bob as string, mail };
  }

  it('CSV by default, the header row on every page, the next page in Link', async () => {
    const { job, course, alice, bob, mail } = await finishedJob();
    const url = `${jobUrl(job.job_id)}/results`;
    const first = await call(`${url}?page_size=3`, { headers: job.headers });
    expect(first.status).toBe(200);
    expect(first.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    const header =
      'identifier,course_id,result,invalid_identifier,before_user,before_enrollment,before_allowed,before_auto_enroll,after_user,after_enrollment,after_allowed,after_auto_enroll';
    expect(first.text).toBe(
      [
        header,
        `${alice},${course.id},enrolled,false,true,false,false,false,true,true,false,false`,
        `bad@,${course.id},invalid,true,,,,,,,,`,
        `${mail},${course.id},allowed,false,false,false,false,false,false,false,true,false`,
        '',
      ].join('\r\n'),
    );
    const link = first.headers.get('Link') ?? '';
    const next = /^<http:\/\/edge\.test(\/[^>]+)>; rel="next"$/.exec(link)?.[1];
    expect(next).toContain('page_size=3');
    const second = await call(next as string, { headers: job.headers });
    expect(second.text).toBe(
      [
        header,
        `${bob},${course.id},enrolled,false,true,false,false,false,true,true,false,false`,
        `${alice},${course.id},unchanged,false,true,true,false,false,true,true,false,false`,
        '',
      ].join('\r\n'),
    );
    expect(second.headers.get('Link')).toBeNull();
  });

  it('JSON with Accept: application/json: the sync fields plus course_id, and next', async () => {
    const { job, course, alice, mail } = await finishedJob();
    const url = `${jobUrl(job.job_id)}/results`;
    const headers = { ...job.headers, Accept: 'application/json' };
    const res = await call(`${url}?page_size=2`, { headers });
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.body.results).toEqual([
      {
        course_id: course.id,
        identifier: alice,
        before: { user: true, enrollment: false, allowed: false, auto_enroll: false, cohort: null },
        after: { user: true, enrollment: true, allowed: false, auto_enroll: false, cohort: 'Res' },
      },
      { course_id: course.id, identifier: 'bad@', invalidIdentifier: true },
    ]);
    const pages = [res.body.results];
    let next: string | null = res.body.next;
    while (next) {
      const page = await call(next.replace('http://edge.test', ''), { headers });
      pages.push(page.body.results);
      next = page.body.next;
    }
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages[1]?.[0]).toMatchObject({ identifier: mail, after: { allowed: true, cohort: 'Res' } });
    const all = await call(`${url}?page_size=10000`, { headers });
    expect(all.body).toEqual({ results: pages.flat(), next: null });
  });

  it('refuses a bad cursor or page size, naming the field', async () => {
    const { job } = await finishedJob();
    const url = `${jobUrl(job.job_id)}/results`;
    const bad = async (query: string) => (await call(`${url}?${query}`, { headers: job.headers })).body;
    expect(await bad('cursor=nope!')).toEqual({ cursor: ['Invalid cursor.'] });
    expect(await bad('page_size=0')).toEqual({ page_size: ['Ensure this value is greater than or equal to 1.'] });
    expect(await bad('page_size=10001')).toEqual({
      page_size: ['Ensure this value is less than or equal to 10000.'],
    });
    expect(await bad('page_size=x')).toEqual({ page_size: ['A valid integer is required.'] });
  });

  it('a job not yet started has no results yet', async () => {
    const course = await createCourse();
    const job = await storeJob({ identifiers: newEmail('jres'), courses: course.id, action: 'enroll' });
    const res = await call(`${jobUrl(job.job_id)}/results`, {
      headers: { ...job.headers, Accept: 'application/json' },
    });
    expect(res.body).toEqual({ results: [], next: null });
  });
});
