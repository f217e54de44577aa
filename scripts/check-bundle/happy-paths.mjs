// One happy-path request per documented operation, for scripts/check-bundle.mjs: `(w) => request`
// where `w` is its world (courseId, learner enrolled in it, programUuid, principals, setup()). `as`:
// who sends it (default global staff: staff | key | learner | retirement); `expect`: the status.
// The body is `json`, or a raw `body` with its content-type in `headers` (sent with the principal's).
// A new operation needs an entry here: the check fails on any operation /openapi.json lists without one.
export const ADMIN = '/api/admin/v1';
export const PROGRAMS = '/api/program_enrollments/v1';
export const ORG = 'CheckX';
export const SLUG = 'checkx-sso';
export const CURRICULUM = 'cccccccc-1111-2222-3333-444444444444';
const E = '/api/enrollment/v1';

let counter = 0;
const unique = (prefix) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

export function programBody(runs, slug) {
  return {
    title: 'Check Masters',
    type: 'Masters',
    marketing_slug: unique(slug),
    authoring_organizations: [{ key: ORG }],
    curricula: [{ uuid: CURRICULUM, is_active: true, courses: runs.map((key) => ({ key, course_runs: [{ key }] })) }],
  };
}

/** The check's course run, as the catalog provisioning API takes it. */
export const courseBody = {
  course_name: 'Check course',
  course_start: '2030-01-01T00:00:00Z',
  course_end: null,
  enrollment_start: null,
  enrollment_end: null,
  modes: [{ slug: 'audit', name: 'Audit' }],
};
const WEBHOOK = { url: 'https://check.example/hook', event_types: ['edge.notification.email.v1'], enabled: false };

const user = async (w) => {
  const username = unique('ck');
  await w.setup({ method: 'PUT', path: `${ADMIN}/users/${username}`, json: { email: `${username}@example.com` } });
  return username;
};
const course = async (w) => {
  const id = `course-v1:${ORG}+${unique('C')}+R1`;
  await w.setup({ method: 'PUT', path: `${ADMIN}/courses/${id}`, json: courseBody });
  return id;
};
const webhook = async (w) => {
  const path = `${ADMIN}/webhooks/${unique('ck-')}`;
  await w.setup({ method: 'PUT', path, json: WEBHOOK });
  return path;
};
const programEnrollment = async (w) => {
  const key = unique('ckp');
  await w.setup(
    {
      method: 'POST',
      path: `${PROGRAMS}/programs/${w.programUuid}/enrollments/`,
      json: [{ student_key: key, status: 'enrolled', curriculum_uuid: CURRICULUM }],
    },
    w.principals.staff,
  );
  return key;
};
const COHORTS = (w) => `/api/cohorts/v1/courses/${w.courseId}/cohorts`;
const cohort = async (w) => {
  const res = await w.setup({
    method: 'POST',
    path: `${COHORTS(w)}/`,
    json: { name: unique('Cohort '), assignment_type: 'manual' },
  });
  return `${COHORTS(w)}/${res.body.id}`;
};
const member = async (w, path) => {
  const username = await user(w);
  await w.setup({ method: 'POST', path: `${path}/users/${username}` });
  return username;
};
const JOBS = '/api/bulk_enroll/v1/jobs';
const jobBody = (w) => ({
  identifiers: `${unique('ckj')}@example.com, ${unique('ckj')}@example.com`,
  courses: w.courseId,
  action: 'enroll',
  dry_run: true,
});
/** A dry-run job of two pairs; with `done`, once the JOBS queue's consumer finished it (≤ 15 s). */
const job = async (w, done = false) => {
  const res = await w.setup({ method: 'POST', path: `${JOBS}/`, json: jobBody(w) }, w.principals.staff);
  const path = `${JOBS}/${res.body.job_id}`;
  for (let tries = 0; done; tries += 1) {
    const { body } = await w.setup({ method: 'GET', path }, w.principals.staff);
    if (body.status === 'succeeded' && body.processed === 2) break;
    if (tries >= 60 || body.status === 'failed' || body.status === 'canceled') {
      throw new Error(`job ${body.job_id} did not complete: ${JSON.stringify(body)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return path;
};
const ndjson = (lines) => ({
  body: lines.map((line) => JSON.stringify(line)).join('\n'),
  headers: { 'content-type': 'application/x-ndjson' },
});

const courseEnrollments = (w) => `${PROGRAMS}/programs/${w.programUuid}/courses/${w.courseId}/enrollments/`;

export const HAPPY = {
  'GET /health/ready': () => ({ method: 'GET', path: '/health/ready', expect: 200 }),
  'GET /api/enrollment/v1/course/{course_id}': (w) => ({
    method: 'GET',
    path: `${E}/course/${w.courseId}`,
    expect: 200,
  }),
  'GET /api/enrollment/v1/enrollment/{username},{course_id}': (w) => ({
    method: 'GET',
    path: `${E}/enrollment/${w.learner},${w.courseId}`,
    as: 'learner',
    expect: 200,
  }),
  'GET /api/enrollment/v1/enrollment/{course_id}': (w) => ({
    method: 'GET',
    path: `${E}/enrollment/${w.courseId}`,
    as: 'learner',
    expect: 200,
  }),
  'GET /api/enrollment/v1/enrollment': (w) => ({
    method: 'GET',
    path: `${E}/enrollment?user=${w.learner}`,
    expect: 200,
  }),
  'POST /api/enrollment/v1/enrollment': async (w) => ({
    method: 'POST',
    path: `${E}/enrollment`,
    json: { user: await user(w), mode: 'audit', course_details: { course_id: w.courseId } },
    expect: 200,
  }),
  'GET /api/enrollment/v1/roles': () => ({ method: 'GET', path: `${E}/roles/`, expect: 200 }),
  'POST /api/enrollment/v1/unenroll': async (w) => {
    const username = await user(w);
    await w.setup(
      { method: 'POST', path: `${E}/enrollment`, json: { user: username, course_details: { course_id: w.courseId } } },
      w.principals.staff,
    );
    await w.setup({ method: 'PUT', path: `${ADMIN}/users/${username}/retirement`, json: {} });
    return { method: 'POST', path: `${E}/unenroll/`, json: { username }, as: 'retirement', expect: 200 };
  },
  'GET /api/enrollment/v1/enrollments': (w) => ({
    method: 'GET',
    path: `${E}/enrollments/?course_id=${encodeURIComponent(w.courseId)}`,
    expect: 200,
  }),
  'GET /api/enrollment/v1/enrollment_allowed': () => ({ method: 'GET', path: `${E}/enrollment_allowed/`, expect: 200 }),
  'POST /api/enrollment/v1/enrollment_allowed': (w) => ({
    method: 'POST',
    path: `${E}/enrollment_allowed/`,
    json: { email: `${unique('cka')}@example.com`, course_id: w.courseId },
    expect: 201,
  }),
  'DELETE /api/enrollment/v1/enrollment_allowed': async (w) => {
    const json = { email: `${unique('ckd')}@example.com`, course_id: w.courseId };
    await w.setup({ method: 'POST', path: `${E}/enrollment_allowed/`, json }, w.principals.staff);
    return { method: 'DELETE', path: `${E}/enrollment_allowed/`, json, expect: 204 };
  },
  'POST /api/bulk_enroll/v1/bulk_enroll': (w) => ({
    method: 'POST',
    path: '/api/bulk_enroll/v1/bulk_enroll/',
    json: { identifiers: `${unique('ckb')}@example.com`, courses: w.courseId, action: 'enroll' },
    expect: 200,
  }),
  'GET /api/cohorts/v1/courses/{course_id}/cohorts': (w) => ({
    method: 'GET',
    path: `/api/cohorts/v1/courses/${w.courseId}/cohorts/`,
    expect: 200,
  }),
  'POST /api/cohorts/v1/courses/{course_id}/cohorts': (w) => ({
    method: 'POST',
    path: `/api/cohorts/v1/courses/${w.courseId}/cohorts/`,
    json: { name: unique('Cohort '), assignment_type: 'manual' },
    expect: 200,
  }),
  'POST /api/bulk_enroll/v1/jobs': (w) => ({ method: 'POST', path: `${JOBS}/`, json: jobBody(w), expect: 202 }),
  // Polls the job until the JOBS consumer ran it: the queue binding and consumer are wired up.
  'GET /api/bulk_enroll/v1/jobs/{job_id}': async (w) => ({ method: 'GET', path: await job(w, true), expect: 200 }),
  'DELETE /api/bulk_enroll/v1/jobs/{job_id}': async (w) => ({ method: 'DELETE', path: await job(w), expect: 200 }),
  'GET /api/bulk_enroll/v1/jobs/{job_id}/results': async (w) => ({
    method: 'GET',
    path: `${await job(w, true)}/results`,
    headers: { accept: 'application/json' },
    expect: 200,
  }),
  'GET /api/cohorts/v1/courses/{course_id}/cohorts/{cohort_id}': async (w) => ({
    method: 'GET',
    path: await cohort(w),
    expect: 200,
  }),
  'PATCH /api/cohorts/v1/courses/{course_id}/cohorts/{cohort_id}': async (w) => ({
    method: 'PATCH',
    path: await cohort(w),
    json: { name: unique('Renamed ') },
    expect: 204,
  }),
  'GET /api/cohorts/v1/courses/{course_id}/cohorts/{cohort_id}/users': async (w) => {
    const path = await cohort(w);
    await member(w, path);
    return { method: 'GET', path: `${path}/users`, expect: 200 };
  },
  'POST /api/cohorts/v1/courses/{course_id}/cohorts/{cohort_id}/users': async (w) => ({
    method: 'POST',
    path: `${await cohort(w)}/users`,
    json: { users: [await user(w), `${unique('ckq')}@example.com`] },
    expect: 200,
  }),
  'POST /api/cohorts/v1/courses/{course_id}/cohorts/{cohort_id}/users/{username}': async (w) => ({
    method: 'POST',
    path: `${await cohort(w)}/users/${await user(w)}`,
    expect: 200,
  }),
  'DELETE /api/cohorts/v1/courses/{course_id}/cohorts/{cohort_id}/users/{username}': async (w) => {
    const path = await cohort(w);
    return { method: 'DELETE', path: `${path}/users/${await member(w, path)}`, expect: 204 };
  },
  'GET /csrf/api/v1/token': () => ({ method: 'GET', path: '/csrf/api/v1/token', as: 'learner', expect: 200 }),
  'PUT /api/admin/v1/users/{username}': () => ({
    method: 'PUT',
    path: `${ADMIN}/users/${unique('cku')}`,
    json: { email: `${unique('cku')}@example.com` },
    as: 'key',
    expect: 201,
  }),
  'GET /api/admin/v1/users/{username}': (w) => ({
    method: 'GET',
    path: `${ADMIN}/users/${w.learner}`,
    as: 'key',
    expect: 200,
  }),
  'PUT /api/admin/v1/users/{username}/retirement': async (w) => ({
    method: 'PUT',
    path: `${ADMIN}/users/${await user(w)}/retirement`,
    json: {},
    as: 'key',
    expect: 201,
  }),
  'PUT /api/admin/v1/users/{username}/external-ids/{provider_slug}': async (w) => ({
    method: 'PUT',
    path: `${ADMIN}/users/${await user(w)}/external-ids/${SLUG}`,
    json: { external_user_key: unique('cke') },
    as: 'key',
    expect: 201,
  }),
  'PUT /api/admin/v1/organizations/{short_name}': () => ({
    method: 'PUT',
    path: `${ADMIN}/organizations/${unique('CkOrg')}`,
    json: { name: 'Check Org' },
    as: 'key',
    expect: 201,
  }),
  'PUT /api/admin/v1/courses/{course_id}': () => ({
    method: 'PUT',
    path: `${ADMIN}/courses/course-v1:${ORG}+${unique('C')}+R1`,
    json: courseBody,
    as: 'key',
    expect: 201,
  }),
  'GET /api/admin/v1/courses/{course_id}': (w) => ({
    method: 'GET',
    path: `${ADMIN}/courses/${w.courseId}`,
    as: 'key',
    expect: 200,
  }),
  'DELETE /api/admin/v1/courses/{course_id}': async (w) => ({
    method: 'DELETE',
    path: `${ADMIN}/courses/${await course(w)}`,
    as: 'key',
    expect: 204,
  }),
  'PUT /api/admin/v1/courses/{course_id}/embargo': (w) => ({
    method: 'PUT',
    path: `${ADMIN}/courses/${w.courseId}/embargo`,
    json: { blocked_countries: [] },
    as: 'key',
    expect: 200,
  }),
  'PUT /api/admin/v1/courses/{course_id}/roles/{username}': async (w) => ({
    method: 'PUT',
    path: `${ADMIN}/courses/${w.courseId}/roles/${await user(w)}`,
    json: { role: 'staff' },
    as: 'key',
    expect: 201,
  }),
  'DELETE /api/admin/v1/courses/{course_id}/roles/{username}/{role}': async (w) => {
    const username = await user(w);
    await w.setup({
      method: 'PUT',
      path: `${ADMIN}/courses/${w.courseId}/roles/${username}`,
      json: { role: 'instructor' },
    });
    return {
      method: 'DELETE',
      path: `${ADMIN}/courses/${w.courseId}/roles/${username}/instructor`,
      as: 'key',
      expect: 204,
    };
  },
  'PUT /api/admin/v1/courses/{course_id}/grades/{username}': async (w) => ({
    method: 'PUT',
    path: `${ADMIN}/courses/${w.courseId}/grades/${await user(w)}`,
    json: { percent: 0.75, letter_grade: 'B', passed: true },
    as: 'key',
    expect: 201,
  }),
  'PUT /api/admin/v1/courses/{course_id}/certificates/{username}': async (w) => ({
    method: 'PUT',
    path: `${ADMIN}/courses/${w.courseId}/certificates/${await user(w)}`,
    json: { status: 'downloadable', download_url: 'https://lms.example.com/cert/1' },
    as: 'key',
    expect: 201,
  }),
  'PUT /api/admin/v1/courses/{course_id}/progress/{username}': async (w) => ({
    method: 'PUT',
    path: `${ADMIN}/courses/${w.courseId}/progress/${await user(w)}`,
    json: { resume_block_url: null, email_opt_out: false },
    as: 'key',
    expect: 201,
  }),
  'PUT /api/admin/v1/courses/{course_id}/due-dates': (w) => ({
    method: 'PUT',
    path: `${ADMIN}/courses/${w.courseId}/due-dates`,
    json: [{ name: 'Week 1', url: 'https://lms.example.com/jump/w1', date: '2030-01-08T00:00:00Z' }],
    as: 'key',
    expect: 200,
  }),
  'PUT /api/admin/v1/programs/{program_uuid}': (w) => ({
    method: 'PUT',
    path: `${ADMIN}/programs/${crypto.randomUUID()}`,
    json: programBody([w.courseId], 'ckprog'),
    as: 'key',
    expect: 201,
  }),
  'GET /api/admin/v1/audit/manual-enrollments': (w) => ({
    method: 'GET',
    path: `${ADMIN}/audit/manual-enrollments?course_id=${encodeURIComponent(w.courseId)}`,
    as: 'key',
    expect: 200,
  }),
  'POST /api/admin/v1/import/users': () => {
    const username = unique('cki');
    return {
      method: 'POST',
      path: `${ADMIN}/import/users`,
      ...ndjson([{ username, email: `${username}@example.com` }]),
      as: 'key',
      expect: 200,
    };
  },
  'POST /api/admin/v1/import/enrollments': async (w) => ({
    method: 'POST',
    path: `${ADMIN}/import/enrollments`,
    ...ndjson([
      {
        username: await user(w),
        course_id: w.courseId,
        mode: 'honor',
        is_active: true,
        created: '2019-09-01T10:00:00Z',
      },
    ]),
    as: 'key',
    expect: 200,
  }),
  'GET /api/admin/v1/outbox': () => ({ method: 'GET', path: `${ADMIN}/outbox`, as: 'key', expect: 200 }),
  'GET /api/events/v1/changes': () => ({
    method: 'GET',
    path: '/api/events/v1/changes?after=0&limit=10',
    as: 'key',
    expect: 200,
  }),
  'PUT /api/admin/v1/webhooks/{name}': () => ({
    method: 'PUT',
    path: `${ADMIN}/webhooks/${unique('ck-')}`,
    json: WEBHOOK,
    as: 'key',
    expect: 201,
  }),
  'GET /api/admin/v1/webhooks': () => ({ method: 'GET', path: `${ADMIN}/webhooks`, as: 'key', expect: 200 }),
  'GET /api/admin/v1/webhooks/{name}': async (w) => ({ method: 'GET', path: await webhook(w), as: 'key', expect: 200 }),
  'DELETE /api/admin/v1/webhooks/{name}': async (w) => ({
    method: 'DELETE',
    path: await webhook(w),
    as: 'key',
    expect: 204,
  }),
  'GET /api/admin/v1/webhooks/{name}/deliveries': async (w) => ({
    method: 'GET',
    path: `${await webhook(w)}/deliveries`,
    as: 'key',
    expect: 200,
  }),
  'POST /api/admin/v1/webhooks/{name}/replay': async (w) => ({
    method: 'POST',
    path: `${await webhook(w)}/replay`,
    json: { after_seq: 0 },
    as: 'key',
    expect: 202,
  }),
  'GET /api/program_enrollments/v1/programs/enrollments': () => ({
    method: 'GET',
    path: `${PROGRAMS}/programs/enrollments/`,
    expect: 200,
  }),
  'GET /api/program_enrollments/v1/programs/readonly_access': () => ({
    method: 'GET',
    path: `${PROGRAMS}/programs/readonly_access/`,
    expect: 200,
  }),
  'GET /api/program_enrollments/v1/programs/{program_uuid}/overview': (w) => ({
    method: 'GET',
    path: `${PROGRAMS}/programs/${w.programUuid}/overview/`,
    as: 'learner',
    expect: 200,
  }),
  'GET /api/program_enrollments/v1/users/{username}/programs/{program_uuid}/courses': (w) => ({
    method: 'GET',
    path: `${PROGRAMS}/users/${w.learner}/programs/${w.programUuid}/courses`,
    as: 'learner',
    expect: 200,
  }),
  'GET /api/program_enrollments/v1/programs/{program_uuid}/enrollments': (w) => ({
    method: 'GET',
    path: `${PROGRAMS}/programs/${w.programUuid}/enrollments/`,
    expect: 200,
  }),
  'POST /api/program_enrollments/v1/programs/{program_uuid}/enrollments': (w) => ({
    method: 'POST',
    path: `${PROGRAMS}/programs/${w.programUuid}/enrollments/`,
    json: [{ student_key: unique('ckp'), status: 'pending', curriculum_uuid: CURRICULUM }],
    expect: 201,
  }),
  'PATCH /api/program_enrollments/v1/programs/{program_uuid}/enrollments': async (w) => ({
    method: 'PATCH',
    path: `${PROGRAMS}/programs/${w.programUuid}/enrollments/`,
    json: [{ student_key: await programEnrollment(w), status: 'suspended' }],
    expect: 200,
  }),
  'PUT /api/program_enrollments/v1/programs/{program_uuid}/enrollments': (w) => ({
    method: 'PUT',
    path: `${PROGRAMS}/programs/${w.programUuid}/enrollments/`,
    json: [{ student_key: unique('ckp'), status: 'enrolled', curriculum_uuid: CURRICULUM }],
    expect: 200,
  }),
  'GET /api/program_enrollments/v1/programs/{program_uuid}/courses/{course_id}/enrollments': (w) => ({
    method: 'GET',
    path: courseEnrollments(w),
    expect: 200,
  }),
  'POST /api/program_enrollments/v1/programs/{program_uuid}/courses/{course_id}/enrollments': async (w) => ({
    method: 'POST',
    path: courseEnrollments(w),
    json: [{ student_key: await programEnrollment(w), status: 'active' }],
    expect: 200,
  }),
  'PATCH /api/program_enrollments/v1/programs/{program_uuid}/courses/{course_id}/enrollments': async (w) => {
    const key = await programEnrollment(w);
    await w.setup(
      { method: 'POST', path: courseEnrollments(w), json: [{ student_key: key, status: 'active' }] },
      w.principals.staff,
    );
    return {
      method: 'PATCH',
      path: courseEnrollments(w),
      json: [{ student_key: key, status: 'inactive' }],
      expect: 200,
    };
  },
  'PUT /api/program_enrollments/v1/programs/{program_uuid}/courses/{course_id}/enrollments': async (w) => ({
    method: 'PUT',
    path: courseEnrollments(w),
    json: [{ student_key: await programEnrollment(w), status: 'active' }],
    expect: 200,
  }),
  'GET /api/program_enrollments/v1/programs/{program_uuid}/courses/{course_id}/grades': (w) => ({
    method: 'GET',
    path: `${PROGRAMS}/programs/${w.programUuid}/courses/${w.courseId}/grades/`,
    expect: 200,
  }),
  // Last: it wipes the organization's test data (ENABLE_ENROLLMENT_RESET is on for this check).
  'POST /api/program_enrollments/v1/integration-reset': () => ({
    method: 'POST',
    path: `${PROGRAMS}/integration-reset/`,
    json: { organization: ORG },
    expect: 200,
  }),
};
