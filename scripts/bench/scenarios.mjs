// The scenarios of issue 5. Each one is a request generator (`next()`, called per request by
// autocannon, so writes rotate) plus a check of one sample response taken after the warm-up.
import { BULK_USERS, COURSES, courseId, LEARNER, learnerName, PER_USER } from './seed.mjs';

const ENROLLMENT = '/api/enrollment/v1';
const PROGRAM_UUID = '5eb1d0a5-0000-4000-8000-00000000be1c';
const CURRICULUM_UUID = '5eb1d0a5-0000-4000-8000-0000000c0001';
const PROGRAM_RECORDS = 25;
const PROGRAM_STUDENTS = 2000;
const FEED_PAGE = 1000;

const get =
  (path, headers = {}) =>
  () => ({ method: 'GET', path, headers });
const jsonBody = (method, path, headers, body) => ({
  method,
  path,
  headers: { ...headers, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const check = (condition, message) => {
  if (!condition) throw new Error(message);
};

/**
 * `ctx`: { bare, service, throttled, uncached } origins, `staffToken`, `learnerToken`, `learners`
 * (seeded learner count), `lastCursor`, `feedLastAfter`, `apiKey`.
 */
export function buildScenarios(ctx) {
  const staff = { authorization: `JWT ${ctx.staffToken}` };
  const learner = { authorization: `JWT ${ctx.learnerToken}` };
  const course = courseId(0);
  const detailsPath = `${ENROLLMENT}/course/${course}`;
  const expectCourse = (body) => check(body?.course_id === course, 'course details for another course');

  // enrollment_post: request i enrolls learner i mod L in course 10u + 10 + ⌊i/L⌋ (mod 1000), a course
  // that learner was not seeded into (seeded: 10u … 10u+9), so every request is a real create.
  let posts = 0;
  const postCapacity = ctx.learners * (COURSES - PER_USER);
  const nextPost = (headers = staff) => {
    const i = posts % postCapacity;
    posts += 1;
    const u = i % ctx.learners;
    const c = (u * PER_USER + PER_USER + Math.floor(i / ctx.learners)) % COURSES;
    return jsonBody('POST', `${ENROLLMENT}/enrollment`, headers, {
      user: learnerName(u),
      course_details: { course_id: courseId(c) },
    });
  };
  // enrollment_post_keyed: the same creates, each with a fresh Idempotency-Key (docs/api/idempotency.md#cost).
  const keyPrefix = `bench-${Date.now().toString(36)}`;
  // bulk_enroll_1000: request i puts all 1000 bulk targets into course i mod 1000 (enroll, and on a
  // second lap unenroll), so every request changes 1000 enrollments.
  let bulks = 0;
  const bulkIdentifiers = Array.from({ length: BULK_USERS }, (_, b) => `bench_b${b}`).join(',');

  return {
    bare: { origin: ctx.bare, next: get('/bare'), d1: 0, verify: (b) => check(b?.status === 'ok', 'bare body') },
    bare_kv: {
      origin: ctx.bare,
      next: get('/bare/kv'),
      d1: 0,
      verify: (b) => check(b?.value === 'bare-value', 'bare KV body'),
    },
    bare_d1: { origin: ctx.bare, next: get('/bare/d1'), d1: 1, verify: (b) => check(b?.id === 1, 'bare D1 body') },
    health: { origin: ctx.service, next: get('/health'), verify: (b) => check(b?.status === 'ok', 'health body') },
    course_details_hit: {
      origin: ctx.service,
      next: get(detailsPath),
      cache: 'hit',
      verify: expectCourse,
    },
    course_details_hit_throttled: {
      origin: ctx.throttled,
      next: get(detailsPath),
      cache: 'hit',
      throttled: true,
      verify: expectCourse,
    },
    course_details_miss: { origin: ctx.uncached, next: get(detailsPath), cache: 'miss', verify: expectCourse },
    enrollment_get: {
      origin: ctx.service,
      next: get(`${ENROLLMENT}/enrollment/${LEARNER},${courseId(0)}`, learner),
      verify: (b) => check(b?.user === LEARNER && b?.course_details?.course_id === course, 'enrollment body'),
    },
    enrollment_post: {
      origin: ctx.service,
      // Each completed request must have added one enrollment (checked after the run).
      createsEnrollments: 1,
      next: () => nextPost(),
      verify: (b) => check(b?.is_active === true && b?.mode === 'audit', 'enrollment_post body'),
    },
    enrollment_post_keyed: {
      origin: ctx.service,
      createsEnrollments: 1,
      next: () => nextPost({ ...staff, 'idempotency-key': `${keyPrefix}-${posts}` }),
      verify: (b) => check(b?.is_active === true && b?.mode === 'audit', 'enrollment_post_keyed body'),
    },
    admin_list_first_page: {
      origin: ctx.service,
      next: get(`${ENROLLMENT}/enrollments/?page_size=100`, staff),
      verify: (b) => check(b?.results?.length === 100 && b.next && b.previous === null, 'first page shape'),
    },
    admin_list_last_page: {
      origin: ctx.service,
      next: get(`${ENROLLMENT}/enrollments/?page_size=100&cursor=${ctx.lastCursor}`, staff),
      verify: (b) => check(b?.results?.length === 100 && b.next === null && b.previous, 'last page shape'),
    },
    bulk_enroll_1000: {
      origin: ctx.service,
      timeoutSeconds: 60,
      createsEnrollments: BULK_USERS, // on the first lap over the courses (enroll)
      next: () => {
        const i = bulks;
        bulks += 1;
        return jsonBody('POST', '/api/bulk_enroll/v1/bulk_enroll/', staff, {
          identifiers: bulkIdentifiers,
          courses: courseId(i % COURSES),
          action: Math.floor(i / COURSES) % 2 === 0 ? 'enroll' : 'unenroll',
        });
      },
      verify: (b) => {
        const results = Object.values(b?.courses ?? {})[0]?.results ?? [];
        check(results.length === BULK_USERS, `bulk results: ${results.length}, expected ${BULK_USERS}`);
      },
    },
    program_write_25: programScenario(ctx, staff),
    events_feed_page_first: feedScenario(ctx, 0),
    events_feed_page_last: feedScenario(ctx, ctx.feedLastAfter),
  };
}

/**
 * events_feed_page_*: `GET /api/events/v1/changes?after=…&limit=1000` with the API key, from the
 * start of the log and for the newest seeded 1000 events; skipped while the feed does not route.
 */
function feedScenario(ctx, after) {
  const path = `/api/events/v1/changes?after=${after}&limit=${FEED_PAGE}`;
  const apiKey = { 'x-edx-api-key': ctx.apiKey };
  return {
    origin: ctx.service,
    async prepare(request) {
      const probe = await request('GET', path, apiKey);
      return probe.status === 200 ? null : `GET ${path} answers ${probe.status} (the feed is not served yet)`;
    },
    next: get(path, apiKey),
    verify: (b) =>
      check(
        b?.events?.length === FEED_PAGE && b.events[0].seq === after + 1 && b.next_after === b.events.at(-1).seq,
        'feed page shape',
      ),
  };
}

/**
 * program_write_25: a 25-record program-course PUT. Skipped (with the reason) while the program
 * enrollment API does not route; once it does: provision an organization and a program whose active
 * curriculum holds course 0, enroll PROGRAM_STUDENTS student keys in the program (PUT, 25 a time),
 * then each request PUTs 25 of them into the course run, alternating active/inactive per lap.
 */
function programScenario(ctx, staff) {
  const programPath = `/api/program_enrollments/v1/programs/${PROGRAM_UUID}`;
  const course = courseId(0);
  const blocks = PROGRAM_STUDENTS / PROGRAM_RECORDS;
  const keys = (block) => Array.from({ length: PROGRAM_RECORDS }, (_, j) => `bench-student-${block * 25 + j}`);
  let writes = 0;
  return {
    origin: ctx.service,
    async prepare(request) {
      const probe = await request('PUT', `${programPath}/enrollments/`, staff, []);
      const routeMissing = probe.status === 404 && /No route for/.test(JSON.stringify(probe.body ?? ''));
      if (routeMissing || probe.status === 405) {
        return `PUT ${programPath}/enrollments/ answers ${probe.status} (program enrollments are not implemented yet)`;
      }
      const apiKey = { 'x-edx-api-key': ctx.apiKey };
      const setup = [
        ['PUT', '/api/admin/v1/organizations/BenchX', apiKey, { name: 'Bench Org', sso_provider_slug: 'bench-sso' }],
        [
          'PUT',
          `/api/admin/v1/programs/${PROGRAM_UUID}`,
          apiKey,
          {
            title: 'Bench Program',
            type: 'Masters',
            marketing_slug: 'bench-program',
            authoring_organizations: [{ key: 'BenchX' }],
            curricula: [
              {
                uuid: CURRICULUM_UUID,
                is_active: true,
                courses: [{ key: 'BenchX+C0000', course_runs: [{ key: course }] }],
              },
            ],
          },
        ],
        ...Array.from({ length: blocks }, (_, block) => [
          'PUT',
          `${programPath}/enrollments/`,
          staff,
          keys(block).map((student_key) => ({ student_key, status: 'enrolled', curriculum_uuid: CURRICULUM_UUID })),
        ]),
      ];
      for (const [method, path, headers, body] of setup) {
        const answer = await request(method, path, headers, body);
        if (answer.status < 200 || answer.status > 299) {
          return `setup ${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`;
        }
      }
      return null;
    },
    next: () => {
      const i = writes;
      writes += 1;
      const status = Math.floor(i / blocks) % 2 === 0 ? 'active' : 'inactive';
      return jsonBody(
        'PUT',
        `${programPath}/courses/${course}/enrollments/`,
        staff,
        keys(i % blocks).map((student_key) => ({ student_key, status })),
      );
    },
    verify: (b) => check(b && Object.keys(b).length === PROGRAM_RECORDS, 'program-course PUT body'),
  };
}
