import { env } from 'cloudflare:test';
import { expect } from 'vitest';
import { ADMIN, newCourseId, provisionCourse, provisionUser } from '../helpers/provisioning-api';
import { call, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

/** Helpers of the program enrollments tests (docs/api/programs.md). */
export const API = '/api/program_enrollments/v1';

export const FORBIDDEN = { developer_message: 'You do not have permission to perform this action.' };
export const NOT_AUTHENTICATED = { developer_message: 'Authentication credentials were not provided.' };
export const PROGRAM_NOT_FOUND = {
  developer_message: 'no program exists with given key',
  error_code: 'program_does_not_exist',
};
export const DAY = 24 * 3600_000;

export const newUuid = () => crypto.randomUUID();

/** An organization with an SSO provider slug (both unique). */
export async function provisionOrg(options: { slug?: string | null; shortName?: string } = {}) {
  const shortName = options.shortName ?? unique('Org');
  const slug = options.slug === undefined ? `${shortName.toLowerCase()}-sso` : options.slug;
  const res = await call(`${ADMIN}/organizations/${shortName}`, {
    method: 'PUT',
    headers: apiKeyHeader,
    json: { name: `${shortName} University`, sso_provider_slug: slug },
  });
  expect(res.status, res.text).toBe(201);
  return { shortName, slug: slug as string };
}

export interface ProgramOptions {
  uuid?: string;
  org?: string | null;
  type?: string;
  title?: string;
  /** Runs of the active curriculum. */
  runs?: string[];
  /** Runs of an inactive curriculum listed before the active one. */
  inactiveRuns?: string[];
  /** Top-level `courses` runs. */
  topLevelRuns?: string[];
  /** Runs of a child program of the active curriculum. */
  childRuns?: string[];
  /** No active curriculum at all. */
  noActiveCurriculum?: boolean;
}

export const courseOf = (runs: string[]) => runs.map((key) => ({ key: `course-${key}`, course_runs: [{ key }] }));

export function programBody(options: ProgramOptions = {}) {
  const curricula = [
    { uuid: newUuid(), is_active: false, courses: courseOf(options.inactiveRuns ?? []), programs: [] },
    {
      uuid: 'aaaaaaaa-1111-2222-3333-444444444444',
      is_active: !options.noActiveCurriculum,
      courses: courseOf(options.runs ?? []),
      programs: options.childRuns
        ? [{ uuid: newUuid(), curricula: [{ uuid: newUuid(), is_active: true, courses: courseOf(options.childRuns) }] }]
        : [],
    },
  ];
  return {
    title: options.title ?? 'Master of Toys',
    type: options.type ?? 'Masters',
    marketing_slug: unique('slug'),
    authoring_organizations: options.org === null ? [] : [{ key: options.org ?? 'NoSuchOrg', name: 'Org' }],
    courses: courseOf(options.topLevelRuns ?? []),
    curricula,
  };
}

export async function provisionProgram(options: ProgramOptions = {}) {
  const uuid = options.uuid ?? newUuid();
  const res = await call(`${ADMIN}/programs/${uuid}`, {
    method: 'PUT',
    headers: apiKeyHeader,
    json: programBody(options),
  });
  expect(res.status, res.text).toBe(201);
  return uuid;
}

/** A fresh global-staff JWT whose account is stored and cached (the first request warms it). */
export async function staffHeader() {
  const username = unique('pstaff');
  await provisionUser(username, { is_staff: true });
  const headers = await jwtHeader(username, { administrator: true });
  await call(`${API}/programs/enrollments`, { headers });
  return headers;
}

/** A stored learner and its JWT. */
export async function learner(username = unique('plearn')) {
  await provisionUser(username);
  return { username, headers: await jwtHeader(username) };
}

export async function link(username: string, slug: string, key: string) {
  return call(`${ADMIN}/users/${username}/external-ids/${slug}`, {
    method: 'PUT',
    headers: apiKeyHeader,
    json: { external_user_key: key },
  });
}

/** A complete scenario: an org with a provider, a program owned by it with `runCount` runs. */
export async function scenario(runCount = 1, options: ProgramOptions = {}) {
  const org = await provisionOrg();
  const runs: string[] = [];
  for (let i = 0; i < runCount; i++) runs.push(await provisionCourse(newCourseId(org.shortName)));
  const uuid = await provisionProgram({ org: org.shortName, runs, ...options });
  return { org, runs, uuid };
}

export const enrollmentsPath = (uuid: string) => `${API}/programs/${uuid}/enrollments/`;
export const coursePath = (uuid: string, courseId: string) =>
  `${API}/programs/${uuid}/courses/${courseId}/enrollments/`;
export const record = (key: string, status = 'enrolled', curriculum = 'aaaaaaaa-1111-2222-3333-444444444444') => ({
  student_key: key,
  status,
  curriculum_uuid: curriculum,
});

/** Rows of a table matching a where clause, straight from D1, as one string (for unchanged-data checks). */
export async function rowsOf(sql: string, ...params: unknown[]) {
  const { results } = await env.DB.prepare(sql)
    .bind(...params)
    .all();
  return JSON.stringify(results);
}

/** Everything program-related of a program and its runs/users, for "a rejected request changes nothing". */
export async function programChecksum(uuid: string, runs: string[] = []) {
  const runList = JSON.stringify(runs);
  return [
    await rowsOf('select * from program_enrollments where program_uuid = ? order by id', uuid),
    await rowsOf('select * from program_course_enrollments where program_uuid = ? order by id', uuid),
    await rowsOf(
      'select * from pending_course_roles where program_course_enrollment_id in (select id from program_course_enrollments where program_uuid = ?)',
      uuid,
    ),
    await rowsOf('select * from enrollments where course_id in (select value from json_each(?)) order by id', runList),
    await rowsOf(
      'select * from enrollment_audit where course_id in (select value from json_each(?)) order by id',
      runList,
    ),
    await rowsOf(
      'select * from course_roles where course_id in (select value from json_each(?)) order by user_id',
      runList,
    ),
  ].join('\n');
}

/** The stored id of a username (D1 directly). */
export async function userIdOf(username: string): Promise<number> {
  const row = await env.DB.prepare('select id from users where username = ?').bind(username).first<{ id: number }>();
  if (!row) throw new Error(`no user ${username}`);
  return row.id;
}

/** A learner's enrollment in a run (D1 directly), or null. */
export const enrollmentOf = (username: string, courseId: string) =>
  env.DB.prepare(
    'select e.id, e.mode, e.is_active as isActive from enrollments e join users u on u.id = e.user_id where u.username = ? and e.course_id = ?',
  )
    .bind(username, courseId)
    .first<{ id: number; mode: string; isActive: number }>();

/** Program-course enrollment rows of a program and run with their course enrollment link (D1 directly). */
export const courseRowsOf = async (uuid: string, courseId: string) =>
  (
    await env.DB.prepare(
      `select pe.external_user_key as key, r.status, r.course_enrollment_id as courseEnrollmentId
       from program_course_enrollments r join program_enrollments pe on pe.id = r.program_enrollment_id
       where r.program_uuid = ? and r.course_key = ? order by r.id`,
    )
      .bind(uuid, courseId)
      .all<{ key: string; status: string; courseEnrollmentId: number | null }>()
  ).results;

/** Audit rows written by program enrollments for a run (D1 directly). */
export const programAudit = async (courseId: string) =>
  (
    await env.DB.prepare(
      `select enrolled_email as email, enrolled_by as enrolledBy, state_transition as transition, actual_mode as mode,
         actual_is_active as isActive, enrollment_id as enrollmentId, source
       from enrollment_audit where course_id = ? and source = 'program_enrollments' order by id`,
    )
      .bind(courseId)
      .all<Record<string, unknown>>()
  ).results;

/** Whether a user holds the `staff` role on a run (D1 directly). */
export async function hasStaffRole(username: string, courseId: string) {
  const row = await env.DB.prepare(
    "select 1 as x from course_roles r join users u on u.id = r.user_id where u.username = ? and r.course_id = ? and r.role = 'staff'",
  )
    .bind(username, courseId)
    .first();
  return row !== null;
}

/** A course id as it goes into a path with `+` percent-encoded (what upstream clients send). */
export const pathId = (courseId: string) => courseId.replaceAll('+', '%2B');
