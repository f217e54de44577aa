import { beforeAll, describe, expect, it } from 'vitest';
import {
  addToCohort,
  createCohort,
  createCourse,
  createUser,
  enroll,
  grantRole,
  markRetired,
} from '../helpers/fixtures';
import { ADMIN, courseBody, newCourseId, provisionCourse, provisionUser } from '../helpers/provisioning-api';
import { call, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';
import table from './authz-matrix.json';
import { loadOperations, type Operation } from './support/openapi';

/**
 * The authorization matrix: ONE table, authz-matrix.json, of every operation in /openapi.json ×
 * principal with the status the service documents (docs/api/*.md, each endpoint's "who may call").
 * Each cell builds its request afresh (new ids where a call creates something), so cells do not
 * depend on each other and run a few at a time (`it.concurrent`, vitest's maxConcurrency: while one
 * waits on D1 another runs). The same JSON is rendered into docs/authorization.md (`npm run docs:matrix`).
 */
type PrincipalKey = (typeof table.principals)[number]['key'];
const PRINCIPALS = table.principals.map((p) => p.key as PrincipalKey);

const PROGRAMS = '/api/program_enrollments/v1';
const CURRICULUM = 'aaaaaaaa-1111-2222-3333-444444444444';
const ORG = 'MatrixX';
const SLUG = 'matrixx-sso';

interface World {
  courseId: string;
  learner: string;
  programUuid: string;
  staff: Record<string, string>;
}
let w: World;
const headers = {} as Record<PrincipalKey, Record<string, string>>;
let operations: Operation[];

interface Req {
  method: string;
  path: string;
  json?: unknown;
  /** A body that is not JSON, with its type (the import's NDJSON). */
  raw?: { body: string; type: string };
  /** Request headers besides the principal's (e.g. `Accept`). */
  extra?: Record<string, string>;
}
type Builder = () => Promise<Req> | Req;

const admin = (method: string, path: string, json?: unknown) =>
  call(`${ADMIN}${path}`, { method, headers: apiKeyHeader, json }).then((res) => {
    if (res.status >= 300) throw new Error(`setup ${method} ${path}: ${res.status} ${res.text}`);
    return res;
  });

async function programEnrollment(key = unique('mxk'), status = 'enrolled') {
  const res = await call(`${PROGRAMS}/programs/${w.programUuid}/enrollments/`, {
    method: 'POST',
    headers: w.staff,
    json: [{ student_key: key, status, curriculum_uuid: CURRICULUM }],
  });
  if (res.status !== 201) throw new Error(`setup program enrollment: ${res.status} ${res.text}`);
  return key;
}

async function courseEnrollment(key: string) {
  const res = await call(`${PROGRAMS}/programs/${w.programUuid}/courses/${w.courseId}/enrollments/`, {
    method: 'POST',
    headers: w.staff,
    json: [{ student_key: key, status: 'active' }],
  });
  if (res.status !== 200) throw new Error(`setup course enrollment: ${res.status} ${res.text}`);
}

/** A disabled subscription (it receives nothing), created for one cell; its path. */
const WEBHOOK = { url: 'https://matrix.example/hook', event_types: ['edge.notification.email.v1'], enabled: false };
async function webhook() {
  const path = `/webhooks/${unique('mx-')}`;
  await admin('PUT', path, WEBHOOK);
  return `${ADMIN}${path}`;
}

/** A cohort of the matrix course, new for each cell. */
const matrixCohort = () => createCohort(w.courseId, unique('Matrix '));

/** A dry-run bulk job created by global staff (not the caller of the cell); its status path. */
async function bulkJob() {
  const json = { identifiers: `${unique('mxj')}@example.com`, courses: w.courseId, action: 'enroll', dry_run: true };
  const res = await call('/api/bulk_enroll/v1/jobs/', { method: 'POST', headers: w.staff, json });
  if (res.status !== 202) throw new Error(`setup bulk job: ${res.status} ${res.text}`);
  return `/api/bulk_enroll/v1/jobs/${res.body.job_id}`;
}

/** A request per operation that succeeds for the allowed callers. */
const BUILDERS: Record<string, Builder> = {
  'GET /health/ready': () => ({ method: 'GET', path: '/health/ready' }),
  'GET /csrf/api/v1/token': () => ({ method: 'GET', path: '/csrf/api/v1/token' }),
  'GET /api/enrollment/v1/course/{course_id}': () => ({
    method: 'GET',
    path: `/api/enrollment/v1/course/${w.courseId}`,
  }),
  'GET /api/enrollment/v1/enrollment/{username},{course_id}': () => ({
    method: 'GET',
    path: `/api/enrollment/v1/enrollment/${w.learner},${w.courseId}`,
  }),
  'GET /api/enrollment/v1/enrollment/{course_id}': () => ({
    method: 'GET',
    path: `/api/enrollment/v1/enrollment/${w.courseId}`,
  }),
  'GET /api/enrollment/v1/enrollment': () => ({
    method: 'GET',
    path: `/api/enrollment/v1/enrollment?user=${w.learner}`,
  }),
  'POST /api/enrollment/v1/enrollment': () => ({
    method: 'POST',
    path: '/api/enrollment/v1/enrollment',
    json: { user: w.learner, mode: 'audit', course_details: { course_id: w.courseId } },
  }),
  'GET /api/enrollment/v1/roles': () => ({ method: 'GET', path: '/api/enrollment/v1/roles/' }),
  'POST /api/enrollment/v1/unenroll': async () => {
    const user = await createUser();
    await enroll(user.id, w.courseId);
    await markRetired(user);
    return { method: 'POST', path: '/api/enrollment/v1/unenroll/', json: { username: user.username } };
  },
  'GET /api/enrollment/v1/enrollments': () => ({
    method: 'GET',
    path: `/api/enrollment/v1/enrollments/?course_id=${encodeURIComponent(w.courseId)}`,
  }),
  'GET /api/enrollment/v1/enrollment_allowed': () => ({
    method: 'GET',
    path: '/api/enrollment/v1/enrollment_allowed/',
  }),
  'POST /api/enrollment/v1/enrollment_allowed': () => ({
    method: 'POST',
    path: '/api/enrollment/v1/enrollment_allowed/',
    json: { email: `${unique('mxa')}@example.com`, course_id: w.courseId },
  }),
  'DELETE /api/enrollment/v1/enrollment_allowed': async () => {
    const json = { email: `${unique('mxd')}@example.com`, course_id: w.courseId };
    const res = await call('/api/enrollment/v1/enrollment_allowed/', { method: 'POST', headers: w.staff, json });
    if (res.status !== 201) throw new Error(`setup allowance: ${res.status} ${res.text}`);
    return { method: 'DELETE', path: '/api/enrollment/v1/enrollment_allowed/', json };
  },
  'POST /api/bulk_enroll/v1/bulk_enroll': () => ({
    method: 'POST',
    path: '/api/bulk_enroll/v1/bulk_enroll/',
    json: { identifiers: `${unique('mxb')}@example.com`, courses: w.courseId, action: 'enroll' },
  }),
  'POST /api/bulk_enroll/v1/jobs': () => ({
    method: 'POST',
    path: '/api/bulk_enroll/v1/jobs/',
    json: { identifiers: `${unique('mxj')}@example.com`, courses: w.courseId, action: 'enroll', dry_run: true },
  }),
  'GET /api/bulk_enroll/v1/jobs/{job_id}': async () => ({ method: 'GET', path: await bulkJob() }),
  'DELETE /api/bulk_enroll/v1/jobs/{job_id}': async () => ({ method: 'DELETE', path: await bulkJob() }),
  'GET /api/bulk_enroll/v1/jobs/{job_id}/results': async () => ({
    method: 'GET',
    path: `${await bulkJob()}/results`,
    extra: { Accept: 'application/json' },
  }),
  'GET /api/cohorts/v1/courses/{course_id}/cohorts': () => ({
    method: 'GET',
    path: `/api/cohorts/v1/courses/${w.courseId}/cohorts/`,
  }),
  'POST /api/cohorts/v1/courses/{course_id}/cohorts': () => ({
    method: 'POST',
    path: `/api/cohorts/v1/courses/${w.courseId}/cohorts/`,
    json: { name: unique('Cohort '), assignment_type: 'manual' },
  }),
  'GET /api/cohorts/v1/courses/{course_id}/cohorts/{cohort_id}': async () => ({
    method: 'GET',
    path: `/api/cohorts/v1/courses/${w.courseId}/cohorts/${(await matrixCohort()).id}`,
  }),
  'PATCH /api/cohorts/v1/courses/{course_id}/cohorts/{cohort_id}': async () => ({
    method: 'PATCH',
    path: `/api/cohorts/v1/courses/${w.courseId}/cohorts/${(await matrixCohort()).id}`,
    json: { name: unique('Renamed ') },
  }),
  'GET /api/cohorts/v1/courses/{course_id}/cohorts/{cohort_id}/users': async () => ({
    method: 'GET',
    path: `/api/cohorts/v1/courses/${w.courseId}/cohorts/${(await matrixCohort()).id}/users`,
  }),
  'POST /api/cohorts/v1/courses/{course_id}/cohorts/{cohort_id}/users': async () => ({
    method: 'POST',
    path: `/api/cohorts/v1/courses/${w.courseId}/cohorts/${(await matrixCohort()).id}/users`,
    json: { users: [w.learner] },
  }),
  'POST /api/cohorts/v1/courses/{course_id}/cohorts/{cohort_id}/users/{username}': async () => ({
    method: 'POST',
    path: `/api/cohorts/v1/courses/${w.courseId}/cohorts/${(await matrixCohort()).id}/users/${w.learner}`,
  }),
  'DELETE /api/cohorts/v1/courses/{course_id}/cohorts/{cohort_id}/users/{username}': async () => {
    const cohort = await matrixCohort();
    const member = await createUser();
    await addToCohort(cohort, member.id);
    return {
      method: 'DELETE',
      path: `/api/cohorts/v1/courses/${w.courseId}/cohorts/${cohort.id}/users/${member.username}`,
    };
  },
  'PUT /api/admin/v1/users/{username}': () => ({
    method: 'PUT',
    path: `${ADMIN}/users/${unique('mxu')}`,
    json: { email: `${unique('mxu')}@example.com` },
  }),
  'GET /api/admin/v1/users/{username}': () => ({ method: 'GET', path: `${ADMIN}/users/${w.learner}` }),
  'PUT /api/admin/v1/users/{username}/retirement': async () => ({
    method: 'PUT',
    path: `${ADMIN}/users/${await provisionUser()}/retirement`,
    json: {},
  }),
  'PUT /api/admin/v1/users/{username}/external-ids/{provider_slug}': async () => ({
    method: 'PUT',
    path: `${ADMIN}/users/${await provisionUser()}/external-ids/${SLUG}`,
    json: { external_user_key: unique('mxe') },
  }),
  'PUT /api/admin/v1/organizations/{short_name}': () => ({
    method: 'PUT',
    path: `${ADMIN}/organizations/${unique('MxOrg')}`,
    json: { name: 'Matrix Org' },
  }),
  'PUT /api/admin/v1/courses/{course_id}': () => ({
    method: 'PUT',
    path: `${ADMIN}/courses/${newCourseId(ORG)}`,
    json: courseBody(),
  }),
  'GET /api/admin/v1/courses/{course_id}': () => ({ method: 'GET', path: `${ADMIN}/courses/${w.courseId}` }),
  'DELETE /api/admin/v1/courses/{course_id}': async () => ({
    method: 'DELETE',
    path: `${ADMIN}/courses/${await provisionCourse(newCourseId(ORG))}`,
  }),
  'PUT /api/admin/v1/courses/{course_id}/embargo': () => ({
    method: 'PUT',
    path: `${ADMIN}/courses/${w.courseId}/embargo`,
    json: { blocked_countries: [] },
  }),
  'PUT /api/admin/v1/courses/{course_id}/roles/{username}': async () => ({
    method: 'PUT',
    path: `${ADMIN}/courses/${w.courseId}/roles/${await provisionUser()}`,
    json: { role: 'staff' },
  }),
  'DELETE /api/admin/v1/courses/{course_id}/roles/{username}/{role}': async () => {
    const username = await provisionUser();
    await admin('PUT', `/courses/${w.courseId}/roles/${username}`, { role: 'instructor' });
    return { method: 'DELETE', path: `${ADMIN}/courses/${w.courseId}/roles/${username}/instructor` };
  },
  'PUT /api/admin/v1/courses/{course_id}/grades/{username}': async () => ({
    method: 'PUT',
    path: `${ADMIN}/courses/${w.courseId}/grades/${await provisionUser()}`,
    json: { percent: 0.75, letter_grade: 'B', passed: true },
  }),
  'PUT /api/admin/v1/courses/{course_id}/certificates/{username}': async () => ({
    method: 'PUT',
    path: `${ADMIN}/courses/${w.courseId}/certificates/${await provisionUser()}`,
    json: { status: 'downloadable', download_url: 'https://lms.example.com/cert/1' },
  }),
  'PUT /api/admin/v1/courses/{course_id}/progress/{username}': async () => ({
    method: 'PUT',
    path: `${ADMIN}/courses/${w.courseId}/progress/${await provisionUser()}`,
    json: { resume_block_url: null, email_opt_out: false },
  }),
  'PUT /api/admin/v1/courses/{course_id}/due-dates': () => ({
    method: 'PUT',
    path: `${ADMIN}/courses/${w.courseId}/due-dates`,
    json: [{ name: 'Week 1', url: 'https://lms.example.com/jump/w1', date: '2030-01-08T00:00:00Z' }],
  }),
  'PUT /api/admin/v1/programs/{program_uuid}': () => ({
    method: 'PUT',
    path: `${ADMIN}/programs/${crypto.randomUUID()}`,
    json: programBody([w.courseId]),
  }),
  'GET /api/admin/v1/audit/manual-enrollments': () => ({
    method: 'GET',
    path: `${ADMIN}/audit/manual-enrollments?course_id=${encodeURIComponent(w.courseId)}`,
  }),
  'GET /api/admin/v1/outbox': () => ({ method: 'GET', path: `${ADMIN}/outbox` }),
  'POST /api/admin/v1/import/users': () => ({
    method: 'POST',
    path: `${ADMIN}/import/users`,
    raw: { body: `{"username":"${unique('mxi')}","email":"mxi@example.com"}\n`, type: 'application/x-ndjson' },
  }),
  'POST /api/admin/v1/import/enrollments': () => ({
    method: 'POST',
    path: `${ADMIN}/import/enrollments`,
    raw: {
      body: `{"username":"${w.learner}","course_id":"${w.courseId}","mode":"audit","is_active":true}\n`,
      type: 'application/x-ndjson',
    },
  }),
  // A cursor at the log's far end: never 410, whatever other files purge.
  'GET /api/events/v1/changes': () => ({ method: 'GET', path: '/api/events/v1/changes?after=999999999&limit=1' }),
  'PUT /api/admin/v1/webhooks/{name}': () => ({
    method: 'PUT',
    path: `${ADMIN}/webhooks/${unique('mx-')}`,
    json: WEBHOOK,
  }),
  'GET /api/admin/v1/webhooks': () => ({ method: 'GET', path: `${ADMIN}/webhooks` }),
  'GET /api/admin/v1/webhooks/{name}': async () => ({ method: 'GET', path: await webhook() }),
  'DELETE /api/admin/v1/webhooks/{name}': async () => ({ method: 'DELETE', path: await webhook() }),
  'GET /api/admin/v1/webhooks/{name}/deliveries': async () => ({
    method: 'GET',
    path: `${await webhook()}/deliveries`,
  }),
  'POST /api/admin/v1/webhooks/{name}/replay': async () => ({
    method: 'POST',
    path: `${await webhook()}/replay`,
    json: { after_seq: 999999999 },
  }),
  'GET /api/program_enrollments/v1/programs/enrollments': () => ({
    method: 'GET',
    path: `${PROGRAMS}/programs/enrollments/`,
  }),
  'GET /api/program_enrollments/v1/programs/readonly_access': () => ({
    method: 'GET',
    path: `${PROGRAMS}/programs/readonly_access/`,
  }),
  'GET /api/program_enrollments/v1/programs/{program_uuid}/overview': () => ({
    method: 'GET',
    path: `${PROGRAMS}/programs/${w.programUuid}/overview/`,
  }),
  'GET /api/program_enrollments/v1/users/{username}/programs/{program_uuid}/courses': () => ({
    method: 'GET',
    path: `${PROGRAMS}/users/${w.learner}/programs/${w.programUuid}/courses`,
  }),
  'GET /api/program_enrollments/v1/programs/{program_uuid}/enrollments': () => ({
    method: 'GET',
    path: `${PROGRAMS}/programs/${w.programUuid}/enrollments/`,
  }),
  'POST /api/program_enrollments/v1/programs/{program_uuid}/enrollments': () => ({
    method: 'POST',
    path: `${PROGRAMS}/programs/${w.programUuid}/enrollments/`,
    json: [{ student_key: unique('mxp'), status: 'pending', curriculum_uuid: CURRICULUM }],
  }),
  'PATCH /api/program_enrollments/v1/programs/{program_uuid}/enrollments': async () => ({
    method: 'PATCH',
    path: `${PROGRAMS}/programs/${w.programUuid}/enrollments/`,
    json: [{ student_key: await programEnrollment(), status: 'suspended' }],
  }),
  'PUT /api/program_enrollments/v1/programs/{program_uuid}/enrollments': () => ({
    method: 'PUT',
    path: `${PROGRAMS}/programs/${w.programUuid}/enrollments/`,
    json: [{ student_key: unique('mxp'), status: 'enrolled', curriculum_uuid: CURRICULUM }],
  }),
  'GET /api/program_enrollments/v1/programs/{program_uuid}/courses/{course_id}/enrollments': () => ({
    method: 'GET',
    path: `${PROGRAMS}/programs/${w.programUuid}/courses/${w.courseId}/enrollments/`,
  }),
  'POST /api/program_enrollments/v1/programs/{program_uuid}/courses/{course_id}/enrollments': async () => ({
    method: 'POST',
    path: `${PROGRAMS}/programs/${w.programUuid}/courses/${w.courseId}/enrollments/`,
    json: [{ student_key: await programEnrollment(), status: 'active' }],
  }),
  'PATCH /api/program_enrollments/v1/programs/{program_uuid}/courses/{course_id}/enrollments': async () => {
    const key = await programEnrollment();
    await courseEnrollment(key);
    return {
      method: 'PATCH',
      path: `${PROGRAMS}/programs/${w.programUuid}/courses/${w.courseId}/enrollments/`,
      json: [{ student_key: key, status: 'inactive' }],
    };
  },
  'PUT /api/program_enrollments/v1/programs/{program_uuid}/courses/{course_id}/enrollments': async () => ({
    method: 'PUT',
    path: `${PROGRAMS}/programs/${w.programUuid}/courses/${w.courseId}/enrollments/`,
    json: [{ student_key: await programEnrollment(), status: 'active' }],
  }),
  'GET /api/program_enrollments/v1/programs/{program_uuid}/courses/{course_id}/grades': () => ({
    method: 'GET',
    path: `${PROGRAMS}/programs/${w.programUuid}/courses/${w.courseId}/grades/`,
  }),
  'POST /api/program_enrollments/v1/integration-reset': () => ({
    method: 'POST',
    path: `${PROGRAMS}/integration-reset/`,
    json: { organization: ORG },
  }),
};

function programBody(runs: string[]) {
  return {
    title: 'Matrix Masters',
    type: 'Masters',
    marketing_slug: unique('matrix'),
    authoring_organizations: [{ key: ORG }],
    curricula: [{ uuid: CURRICULUM, is_active: true, courses: runs.map((key) => ({ key, course_runs: [{ key }] })) }],
  };
}

beforeAll(async () => {
  ({ operations } = await loadOperations());
  await admin('PUT', `/organizations/${ORG}`, { name: 'Matrix University', sso_provider_slug: SLUG });
  const course = await createCourse({ org: ORG, modes: [{ slug: 'audit' }, { slug: 'verified' }] });
  const learner = await createUser();
  await enroll(learner.id, course.id);
  const other = await createUser();
  const courseStaff = await createUser();
  const instructor = await createUser();
  await grantRole(course.id, courseStaff.id, 'staff');
  await grantRole(course.id, instructor.id, 'instructor');
  const globalStaff = await createUser({ isStaff: true });
  const app = await createUser({ isStaff: true });
  const programUuid = crypto.randomUUID();
  await admin('PUT', `/programs/${programUuid}`, programBody([course.id]));
  await admin('PUT', `/users/${learner.username}/external-ids/${SLUG}`, { external_user_key: 'mx-learner' });
  const staff = await jwtHeader(globalStaff.username, { administrator: true });
  w = { courseId: course.id, learner: learner.username, programUuid, staff };
  await programEnrollment('mx-learner', 'enrolled');

  const restricted = (org: string) =>
    jwtHeader(app.username, {
      administrator: true,
      isRestricted: true,
      scopes: ['read', 'write', 'enrollments:read', 'enrollments:write', 'user_id', 'email', 'profile'],
      filters: [`content_org:${org}`],
    });
  headers.anonymous = {};
  headers.learner = await jwtHeader(learner.username);
  headers['other learner'] = await jwtHeader(other.username);
  headers['course staff'] = await jwtHeader(courseStaff.username);
  headers['course instructor'] = await jwtHeader(instructor.username);
  headers['global staff'] = staff;
  headers['API key'] = apiKeyHeader;
  headers['restricted app in org'] = await restricted(ORG);
  headers['restricted app outside org'] = await restricted('OtherOrg');
  headers['retirement worker'] = await jwtHeader('retirement_service_worker');
}, 60_000);

describe('authorization matrix', { timeout: 30_000 }, () => {
  it('covers every operation of /openapi.json, and only those', () => {
    const documented = operations.map((op) => op.key).sort();
    const tabled = table.rows.map((row) => row.operation).sort();
    expect(tabled, 'authz-matrix.json rows vs /openapi.json operations').toEqual(documented);
    expect(Object.keys(BUILDERS).sort()).toEqual(documented);
    for (const row of table.rows) expect(row.expected, row.operation).toHaveLength(PRINCIPALS.length);
  });

  const cells = table.rows.flatMap((row) =>
    PRINCIPALS.map((principal, i) => [row.label, principal, row.expected[i] as number, row.operation] as const),
  );

  it.concurrent.for(cells)('%s as %s → %i', async ([, principal, expected, operation], { expect }) => {
    const builder = BUILDERS[operation];
    if (!builder) throw new Error(`no request builder for ${operation}`);
    const { method, path, json, raw, extra } = await builder();
    const typed = raw ? { ...headers[principal], 'Content-Type': raw.type } : headers[principal];
    const res = await call(path, { method, json, body: raw?.body, headers: { ...typed, ...extra } });
    expect(res.status, res.text.slice(0, 300)).toBe(expected);
    if (res.text) expect(res.headers.get('Content-Type')).toBe('application/json');
    if (expected === 401) expect(res.headers.get('WWW-Authenticate')).toBe('JWT realm="api"');
  });
});
