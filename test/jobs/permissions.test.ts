import { describe, expect, it } from 'vitest';
import { FORBIDDEN, NOT_AUTHENTICATED, NOT_FOUND, newEmail, staffHeader } from '../helpers/bulk-fixtures';
import { createCourse, createUser } from '../helpers/fixtures';
import { call } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';
import { JOBS, jobUrl, storeJob } from './support';

// docs/api/bulk-jobs.md#permissions: starting a job is the sync endpoint's permission; a job is
// visible to global staff and its creator, 404 to anyone else, 401 without a JWT.

const paths = (id: string) => [
  ['GET', jobUrl(id)],
  ['GET', `${jobUrl(id)}/results`],
  ['DELETE', jobUrl(id)],
];

describe('bulk job permissions', () => {
  it('start: 401 anonymous or API key alone, 403 non-staff even with an empty body', async () => {
    const learner = await createUser();
    expect((await call(JOBS, { method: 'POST' })).body).toEqual(NOT_AUTHENTICATED);
    expect((await call(JOBS, { method: 'POST', headers: apiKeyHeader })).status).toBe(401);
    const res = await call(JOBS, { method: 'POST', headers: await jwtHeader(learner.username) });
    expect(res.status).toBe(403);
    expect(res.body).toEqual(FORBIDDEN);
  });

  it('read and cancel: the creator (even no longer staff) and any global staff; others 404', async () => {
    const course = await createCourse();
    const job = await storeJob({ identifiers: newEmail('jperm'), courses: course.id, action: 'enroll', dry_run: true });
    const exStaff = await jwtHeader(job.username, { administrator: false });
    const otherStaff = await staffHeader();
    const learner = await jwtHeader((await createUser()).username);
    for (const [method, path] of paths(job.job_id) as [string, string][]) {
      expect((await call(path, { method })).status, `${method} ${path} anonymous`).toBe(401);
      expect((await call(path, { method, headers: apiKeyHeader })).status).toBe(401);
      const hidden = await call(path, { method, headers: learner });
      expect(hidden.status).toBe(404);
      expect(hidden.body).toEqual(NOT_FOUND);
      if (method === 'GET') expect((await call(path, { method, headers: exStaff })).status).toBe(200);
    }
    // The learner's DELETE changed nothing.
    expect((await call(jobUrl(job.job_id), { headers: otherStaff })).body.status).toBe('queued');
    expect((await call(jobUrl(job.job_id), { method: 'DELETE', headers: exStaff })).body.status).toBe('canceled');
    expect((await call(jobUrl(job.job_id), { method: 'DELETE', headers: otherStaff })).status).toBe(200);
  });

  it('an unknown job id is the same 404', async () => {
    const res = await call(jobUrl(crypto.randomUUID()), { headers: await staffHeader() });
    expect(res.status).toBe(404);
    expect(res.body).toEqual(NOT_FOUND);
  });
});
