import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, newCourseId, provisionCourse } from '../helpers/provisioning-api';
import { call, dbQueries, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';
import {
  API,
  coursePath,
  DAY,
  enrollmentsPath,
  FORBIDDEN,
  learner,
  link,
  newUuid,
  PROGRAM_NOT_FOUND,
  provisionOrg,
  provisionProgram,
  record,
  staffHeader,
} from './support';

// GET /programs/{program_uuid}/overview/ (docs/api/programs.md#overview) and the learner dashboard (#dashboard).

let staff: Record<string, string>;
beforeAll(async () => {
  staff = await staffHeader();
});

const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const now = Date.now();
const overviewOf = (uuid: string, headers: Record<string, string>) =>
  call(`${API}/programs/${uuid}/overview/`, { headers });

interface RunSpec {
  start?: number | null;
  end?: number | null;
  selfPaced?: boolean;
  bulkEmail?: boolean;
}

async function run(org: string, spec: RunSpec = {}) {
  return provisionCourse(newCourseId(org), {
    course_name: `Run ${unique('n')}`,
    course_start: spec.start === undefined ? iso(now - 10 * DAY) : spec.start === null ? null : iso(spec.start),
    course_end: spec.end === undefined || spec.end === null ? null : iso(spec.end),
    self_paced: spec.selfPaced ?? false,
    bulk_email_enabled: spec.bulkEmail ?? false,
  });
}

/** A program with the given runs and a linked learner enrolled in it (program status given) and in each run. */
async function enrolledLearner(
  runs: string[],
  options: { status?: string; type?: string; courseStatus?: string } = {},
) {
  const org = await provisionOrg();
  const uuid = await provisionProgram({ org: org.shortName, runs, type: options.type, title: 'Toy Program' });
  const person = await learner();
  await link(person.username, org.slug, 'me');
  await call(enrollmentsPath(uuid), {
    method: 'POST',
    headers: staff,
    json: [record('me', options.status ?? 'enrolled')],
  });
  for (const r of runs) {
    await call(coursePath(uuid, r), {
      method: 'POST',
      headers: staff,
      json: [{ student_key: 'me', status: options.courseStatus ?? 'active' }],
    });
  }
  return { org, uuid, ...person };
}

const certificate = (courseId: string, username: string, json: unknown) =>
  call(`${ADMIN}/courses/${courseId}/certificates/${username}`, { method: 'PUT', headers: apiKeyHeader, json });

describe('program overview', () => {
  it('lists the course runs with their statuses and optional keys', async () => {
    const org = unique('OvX');
    const inProgress = await run(org, { start: now - 5 * DAY, end: now + 30 * DAY, bulkEmail: true });
    const upcoming = await run(org, { start: now + 5 * DAY });
    const ended = await run(org, { start: now - 60 * DAY, end: now - DAY });
    const { uuid, headers, username } = await enrolledLearner([inProgress, upcoming, ended]);
    await call(`${ADMIN}/courses/${inProgress}/due-dates`, {
      method: 'PUT',
      headers: apiKeyHeader,
      json: [
        { name: 'Homework 1', url: '/courses/x/jump_to/hw1', date: '2031-01-01T00:00:00Z' },
        { name: 'Exam', url: 'https://lms.example.com/exam', date: '2031-02-01T00:00:00Z' },
      ],
    });
    await call(`${ADMIN}/courses/${inProgress}/progress/${username}`, {
      method: 'PUT',
      headers: apiKeyHeader,
      json: { resume_block_url: '/courses/x/jump_to/last', email_opt_out: true },
    });
    await certificate(ended, username, { status: 'downloadable', download_url: 'https://certs.example.com/1' });
    const res = await overviewOf(uuid, headers);
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.course_runs.map((r: { course_run_id: string }) => [r.course_run_id, r]));
    expect(byId[inProgress]).toEqual({
      course_run_id: inProgress,
      display_name: expect.stringMatching(/^Run /),
      course_run_url: `http://localhost:18000/courses/${inProgress}/course/`,
      start_date: iso(now - 5 * DAY),
      end_date: iso(now + 30 * DAY),
      course_run_status: 'in_progress',
      due_dates: [
        { name: 'Homework 1', url: 'http://localhost:18000/courses/x/jump_to/hw1', date: '2031-01-01T00:00:00Z' },
        { name: 'Exam', url: 'https://lms.example.com/exam', date: '2031-02-01T00:00:00Z' },
      ],
      emails_enabled: false,
      resume_course_run_url: 'http://localhost:18000/courses/x/jump_to/last',
    });
    expect(byId[upcoming]).toMatchObject({ course_run_status: 'upcoming', end_date: null, due_dates: [] });
    expect(byId[upcoming]).not.toHaveProperty('emails_enabled');
    expect(byId[upcoming]).not.toHaveProperty('micromasters_title');
    expect(byId[ended]).toMatchObject({
      course_run_status: 'completed',
      certificate_download_url: 'https://certs.example.com/1',
    });
    // One round trip once the learner's account is cached (the first call also read it).
    expect(dbQueries((await overviewOf(uuid, headers)).headers)).toBe(1);
  });

  it('emails_enabled is true unless the learner opted out; no start counts as upcoming', async () => {
    const r = await run(unique('OvE'), { start: null, bulkEmail: true });
    const { uuid, headers } = await enrolledLearner([r]);
    expect((await overviewOf(uuid, headers)).body.course_runs[0]).toMatchObject({
      emails_enabled: true,
      course_run_status: 'upcoming',
      start_date: null,
    });
  });

  it('self-paced: a passing certificate created 30 days ago or more completes the run', async () => {
    const org = unique('OvS');
    const oldCert = await run(org, { selfPaced: true });
    const newCert = await run(org, { selfPaced: true });
    const generating = await run(org, { selfPaced: true });
    const notPassing = await run(org, { selfPaced: true });
    const instructorPaced = await run(org, { selfPaced: false });
    const { uuid, headers, username } = await enrolledLearner([
      oldCert,
      newCert,
      generating,
      notPassing,
      instructorPaced,
    ]);
    const created = (days: number) => iso(now - days * DAY);
    await certificate(oldCert, username, { status: 'downloadable', created: created(31) });
    await certificate(newCert, username, { status: 'downloadable', created: created(29) });
    await certificate(generating, username, { status: 'generating', created: created(45) });
    await certificate(notPassing, username, { status: 'notpassing', created: created(90) });
    await certificate(instructorPaced, username, { status: 'downloadable', created: created(90) });
    const res = await overviewOf(uuid, headers);
    const status = Object.fromEntries(
      res.body.course_runs.map((r: { course_run_id: string; course_run_status: string }) => [
        r.course_run_id,
        r.course_run_status,
      ]),
    );
    expect(status).toEqual({
      [oldCert]: 'completed',
      [newCert]: 'in_progress',
      [generating]: 'completed',
      [notPassing]: 'in_progress',
      [instructorPaced]: 'in_progress',
    });
    // Download URLs only for downloadable certificates that have one.
    const generatingRun = res.body.course_runs.find((r: { course_run_id: string }) => r.course_run_id === generating);
    expect(generatingRun).not.toHaveProperty('certificate_download_url');
  });

  it('micromasters_title only for type exactly MicroMasters', async () => {
    const r = await run(unique('OvM'));
    const mm = await enrolledLearner([r], { type: 'MicroMasters' });
    expect((await overviewOf(mm.uuid, mm.headers)).body.course_runs[0].micromasters_title).toBe('Toy Program');
    const r2 = await run(unique('OvM'));
    const lower = await enrolledLearner([r2], { type: 'micromasters' });
    expect((await overviewOf(lower.uuid, lower.headers)).body.course_runs[0]).not.toHaveProperty('micromasters_title');
  });

  it('lists only active verified/masters enrollments in any run of the program, however made', async () => {
    const org = await provisionOrg();
    const [inCurriculum, topLevel, child, outside, auditRun] = [
      await run(org.shortName),
      await run(org.shortName),
      await run(org.shortName),
      await run(org.shortName),
      await run(org.shortName),
    ];
    const uuid = await provisionProgram({
      org: org.shortName,
      runs: [inCurriculum, auditRun],
      topLevelRuns: [topLevel],
      childRuns: [child],
    });
    const person = await learner();
    await link(person.username, org.slug, 'me');
    await call(enrollmentsPath(uuid), { method: 'POST', headers: staff, json: [record('me')] });
    await call(coursePath(uuid, inCurriculum), {
      method: 'POST',
      headers: staff,
      json: [{ student_key: 'me', status: 'inactive' }],
    });
    const userId = (
      await env.DB.prepare('select id from users where username = ?').bind(person.username).first<{ id: number }>()
    )?.id;
    const insert = env.DB.prepare(
      'insert into enrollments (user_id, course_id, mode, is_active, created_at, updated_at) values (?, ?, ?, 1, ?, ?)',
    );
    await env.DB.batch([
      insert.bind(userId, topLevel, 'verified', now, now),
      insert.bind(userId, child, 'masters', now, now),
      insert.bind(userId, outside, 'verified', now, now),
      insert.bind(userId, auditRun, 'audit', now, now),
    ]);
    const ids = (await overviewOf(uuid, person.headers)).body.course_runs.map(
      (r: { course_run_id: string }) => r.course_run_id,
    );
    expect(ids).toEqual([topLevel, child]);
  });

  it('401 anonymous; 404 unknown program; 403 JSON unless enrolled (pending/suspended/canceled/ended do not count)', async () => {
    const r = await run(unique('OvP'));
    const ok = await enrolledLearner([r]);
    expect((await call(`${API}/programs/${ok.uuid}/overview/`)).status).toBe(401);
    const missing = await overviewOf(newUuid(), ok.headers);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(PROGRAM_NOT_FOUND);
    const stranger = await learner();
    const refused = await overviewOf(ok.uuid, stranger.headers);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('Content-Type')).toBe('application/json');
    expect(refused.body).toEqual(FORBIDDEN);
    expect((await overviewOf(ok.uuid, staff)).status).toBe(403);
    for (const status of ['pending', 'suspended', 'canceled', 'ended']) {
      const other = await enrolledLearner([await run(unique('OvP'))], { status });
      expect((await overviewOf(other.uuid, other.headers)).status, status).toBe(403);
    }
  });
});

describe('learner program dashboard: GET /users/{username}/programs/{program_uuid}/courses', () => {
  const dashboard = (username: string, uuid: string, headers: Record<string, string>, query = '') =>
    call(`${API}/users/${username}/programs/${uuid}/courses${query}`, { headers });

  it('the overview records, cursor-paged (default 10, at most 25)', async () => {
    const org = unique('DbX');
    const runs: string[] = [];
    for (let i = 0; i < 12; i++) runs.push(await run(org));
    const { uuid, username, headers } = await enrolledLearner(runs);
    const first = await dashboard(username, uuid, headers);
    expect(first.status).toBe(200);
    expect(first.body.results).toHaveLength(10);
    expect(first.body.previous).toBeNull();
    expect(first.body.results[0]).toMatchObject({ course_run_id: runs[0], course_run_status: 'in_progress' });
    const next = new URL(first.body.next);
    const second = await call(next.pathname + next.search, { headers });
    expect(second.body.results.map((r: { course_run_id: string }) => r.course_run_id)).toEqual(runs.slice(10));
    expect(second.body.next).toBeNull();
    expect((await dashboard(username, uuid, headers, '?page_size=100')).body.results).toHaveLength(12);
    expect((await dashboard(username, uuid, headers, '?page_size=3')).body.results).toHaveLength(3);
    expect((await dashboard(username, uuid, headers, '?page_size=zero')).body.results).toHaveLength(10);
  });

  it('only the learner themself (403), then the program (404), then enrolled (403)', async () => {
    const r = await run(unique('DbP'));
    const { uuid, username, headers } = await enrolledLearner([r]);
    const other = await learner();
    expect((await dashboard(username, uuid, other.headers)).body).toEqual(FORBIDDEN);
    expect((await dashboard(username, uuid, staff)).status).toBe(403);
    expect((await dashboard(username, newUuid(), other.headers)).status).toBe(403);
    expect((await dashboard(username, newUuid(), headers)).status).toBe(404);
    expect((await dashboard(other.username, uuid, other.headers)).status).toBe(403);
    expect((await call(`${API}/users/${username}/programs/${uuid}/courses`)).status).toBe(401);
    const restricted = await jwtHeader(username, { isRestricted: true, filters: [`content_org:${r}`] });
    expect((await dashboard(username, uuid, restricted)).status).toBe(403);
  });
});
