import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultModeSlug, isModeAvailable } from '../../src/enrollments/course-modes';
import {
  type Caller,
  checkTarget,
  type Decision,
  decideEnrollment,
  parseEnrollRequest,
} from '../../src/enrollments/enroll.plan';
import type { CourseRow, EnrollContext, EnrollmentRow, ModeRow, UserRow } from '../../src/enrollments/enrollments.repo';
import type { EnrollBody } from '../../src/enrollments/enrollments.schemas';
import { ApiError } from '../../src/lib/errors';

// Decision table of POST /api/enrollment/v1/enrollment (docs/api/enrollments.md#e5-steps,
// #e5-branch, #e5-update, #e5-add, #e5-failures): the pure steps of src/enrollments/enroll.plan.ts,
// run in the order the service runs them (parse → check the target → decide).

const NOW = Date.UTC(2024, 5, 1, 12);
const DAY = 86_400_000;
const COURSE = 'course-v1:Org+Plan+Run';
const LMS = 'https://lms.example.com';

// ---- fixture factories: rows of the context `loadEnrollContext` reads ----

type Allowance = NonNullable<EnrollContext['allowance']>;
type Role = EnrollContext['roles'][number];
type Cohort = NonNullable<EnrollContext['cohort']>;

function user(id: number, username: string, overrides: Partial<UserRow> = {}): UserRow {
  return {
    id,
    username,
    email: `${username}@example.com`,
    name: '',
    isStaff: false,
    isSuperuser: false,
    isActive: true,
    country: null,
    language: null,
    allowancesRealisedFor: null,
    createdAt: NOW - 100 * DAY,
    updatedAt: NOW - 100 * DAY,
    ...overrides,
  };
}

function course(overrides: Partial<CourseRow> = {}): CourseRow {
  return {
    id: COURSE,
    courseName: 'Plan course',
    org: 'Org',
    courseStart: NOW - 30 * DAY,
    courseEnd: null,
    enrollmentStart: null,
    enrollmentEnd: null,
    inviteOnly: false,
    maxStudentEnrollmentsAllowed: null,
    selfPaced: false,
    bulkEmailEnabled: false,
    blockedCountries: [],
    createdAt: NOW - 60 * DAY,
    updatedAt: NOW - 60 * DAY,
    ...overrides,
  };
}

let modeIds = 0;
function mode(slug: string, expirationAt: number | null = null): ModeRow {
  modeIds += 1;
  return {
    id: modeIds,
    courseId: COURSE,
    position: modeIds,
    slug,
    name: slug,
    minPrice: 0,
    suggestedPrices: '',
    currency: 'usd',
    expirationAt,
    description: null,
    sku: null,
    bulkSku: null,
  };
}

const EXPIRED = NOW - DAY;
const modes = (...slugs: (string | [string, number])[]) =>
  slugs.map((s) => (typeof s === 'string' ? mode(s) : mode(s[0], s[1])));

function enrollment(slug: string, isActive: boolean, userId = 1): EnrollmentRow {
  const times = { createdAt: NOW - 10 * DAY, updatedAt: NOW - DAY };
  return { id: 50, userId, courseId: COURSE, mode: slug, isActive, changedOrigin: null, changedBy: null, ...times };
}

const allowance = (userId: number | null): Allowance => ({
  id: 70,
  email: 'learner@example.com',
  courseId: COURSE,
  autoEnroll: false,
  userId,
  createdAt: NOW - 20 * DAY,
});

const role = (userId: number, isActive = true): Role => ({ userId, role: 'staff', isActive });

const cohort = (id: number, name: string, assignmentType: Cohort['assignmentType'] = 'manual'): Cohort => ({
  id,
  courseId: COURSE,
  name,
  assignmentType,
  createdAt: NOW - 5 * DAY,
});

const LEARNER_ROW = user(1, 'learner');
const OTHER_ROW = user(2, 'other');
const TEACHER_ROW = user(3, 'teacher');

function context(overrides: Partial<EnrollContext> = {}): EnrollContext {
  return {
    target: LEARNER_ROW,
    course: course(),
    activeLearners: null,
    modes: modes('audit'),
    current: null,
    allowance: null,
    roles: [],
    cohort: null,
    preassignedCohortId: null,
    randomCohortIds: [],
    ...overrides,
  };
}

// ---- callers ----

const LEARNER: Caller = { username: 'learner', userId: 1, privileged: false, globalStaff: false, apiKey: false };
/** Course staff of COURSE (when the context lists the role), otherwise a plain learner. */
const TEACHER: Caller = { username: 'teacher', userId: 3, privileged: false, globalStaff: false, apiKey: false };
const ADMIN: Caller = { username: 'admin', userId: 9, privileged: true, globalStaff: true, apiKey: false };
/** The API key alone: privileged, not global staff, no stored user. */
const API_KEY: Caller = { username: '', userId: null, privileged: true, globalStaff: false, apiKey: true };

// ---- the pipeline and the expectations ----

interface Facts {
  requestCountry: string | null;
}

type Outcome = { status: number; body: unknown } | { decision: Decision };

function outcome(
  body: Record<string, unknown>,
  caller: Caller,
  ctx: EnrollContext,
  { requestCountry = null, now = NOW, random = () => 0 }: Partial<Facts> & { now?: number; random?: () => number } = {},
): Outcome {
  try {
    // Bodies as the route's schema hands them on (the table also feeds shapes HTTP never sends).
    const request = parseEnrollRequest(body as EnrollBody, caller);
    checkTarget(request, ctx, { apiKey: caller.apiKey, requestCountry, lmsRootUrl: LMS });
    return { decision: decideEnrollment(request, ctx, caller, now, random) };
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, body: error.body };
    throw error;
  }
}

const refused = (status: number, message: string, extra: Record<string, unknown> = {}) => ({
  status,
  body: { message, ...extra },
});
const NOT_FOUND = { status: 404, body: { detail: 'Not found.' } };
const enrollmentError = (username = 'learner') =>
  refused(
    400,
    `An error occurred while creating the new course enrollment for user '${username}' in course '${COURSE}'`,
  );
/** `mode_unavailable`, with the slugs the course details list under the include-expired rule the check used. */
const unavailable = (requested: string, shown: string[]) =>
  refused(400, `The [${requested}] course mode is expired or otherwise unavailable for course run [${COURSE}].`, {
    course_details: expect.objectContaining({
      course_id: COURSE,
      course_modes: shown.map((slug) => expect.objectContaining({ slug })),
    }),
  });
const embargoed = refused(403, `Users from this location cannot access the course '${COURSE}'.`, {
  user_message_url: `${LMS}/embargo/blocked-message/enrollment/default/`,
});
const badAttribute = (key: string) =>
  refused(400, `'${key}' not in enrollment attribute`, { localizedMessage: `'${key}' not in enrollment attribute` });

/** A `write` decision; unspecified fields are the plain-enroll defaults. */
const write = (slug: string, isActive: boolean, extra: Record<string, unknown> = {}) => ({
  decision: {
    kind: 'write',
    course: { id: COURSE },
    next: { mode: slug, isActive },
    isActive: null,
    cohort: null,
    consumeAllowanceId: null,
    attributes: [],
    ...extra,
  },
});
const unchanged = (slug: string, isActive: boolean | null = null) => ({
  decision: { kind: 'unchanged', course: { id: COURSE }, current: { mode: slug, isActive: true }, isActive },
});

interface Case {
  name: string;
  body?: Record<string, unknown>;
  caller?: Caller;
  ctx?: Partial<EnrollContext>;
  requestCountry?: string | null;
  random?: () => number;
  expected: { status: number; body: unknown } | { decision: Record<string, unknown> };
}

const OPEN_WINDOW = { enrollmentStart: NOW - DAY, enrollmentEnd: NOW + DAY };
const CREDIT_PROVIDER = { namespace: 'credit', name: 'provider_id', value: 'hogwarts' };

const cases: Case[] = [
  // ---- steps 1–2: the course id ----
  {
    name: 'no course_details → 400 course id required',
    body: { course_details: undefined },
    expected: refused(400, 'Course ID must be specified to create a new enrollment.'),
  },
  {
    name: 'course_details not an object → 400 course id required',
    body: { course_details: COURSE },
    expected: refused(400, 'Course ID must be specified to create a new enrollment.'),
  },
  {
    name: 'course_details an array → 400 course id required',
    body: { course_details: [COURSE] },
    expected: refused(400, 'Course ID must be specified to create a new enrollment.'),
  },
  {
    name: 'course_id not a string → 400 course id required',
    body: { course_details: { course_id: 5 } },
    expected: refused(400, 'Course ID must be specified to create a new enrollment.'),
  },
  {
    name: 'course_id empty → 400 course id required',
    body: { course_details: { course_id: '' } },
    expected: refused(400, 'Course ID must be specified to create a new enrollment.'),
  },
  {
    name: 'course_id not a course key → 400 no course',
    body: { course_details: { course_id: 'not a key' } },
    expected: refused(400, "No course 'not a key' found for enrollment"),
  },
  {
    name: 'the course id is checked before the target (privileged caller, unknown target)',
    body: { course_details: { course_id: 'nope' }, user: 'ghost' },
    caller: API_KEY,
    ctx: { target: null },
    expected: refused(400, "No course 'nope' found for enrollment"),
  },
  // ---- steps 3–5: the target, and the modes an unprivileged caller may ask for ----
  {
    name: 'learner targeting by e-mail (even their own) → 404',
    body: { email: 'learner@example.com' },
    expected: NOT_FOUND,
  },
  { name: 'learner targeting another user → 404', body: { user: 'other' }, expected: NOT_FOUND },
  {
    name: 'course staff targeting another user → 404',
    body: { user: 'learner' },
    caller: TEACHER,
    ctx: { roles: [role(3)] },
    expected: NOT_FOUND,
  },
  {
    name: 'the 404 comes before the mode check',
    body: { user: 'other', mode: 'verified' },
    expected: NOT_FOUND,
  },
  { name: 'learner naming themself → enrolled', body: { user: 'learner' }, expected: write('audit', true) },
  {
    name: 'learner asking for verified → 403',
    body: { mode: 'verified' },
    ctx: { modes: modes('audit', 'verified') },
    expected: refused(403, 'User does not have permission to create enrollment with mode [verified].'),
  },
  {
    name: 'course staff asking for verified → 403',
    body: { mode: 'verified' },
    caller: TEACHER,
    ctx: { target: TEACHER_ROW, roles: [role(3)], modes: modes('audit', 'verified') },
    expected: refused(403, 'User does not have permission to create enrollment with mode [verified].'),
  },
  {
    name: 'learner asking for their current mode (verified) → still 403',
    body: { mode: 'verified' },
    ctx: { modes: modes('audit', 'verified'), current: enrollment('verified', true) },
    expected: refused(403, 'User does not have permission to create enrollment with mode [verified].'),
  },
  {
    name: 'learner with a non-string mode → 403 showing it as JSON',
    body: { mode: 5 },
    expected: refused(403, 'User does not have permission to create enrollment with mode [5].'),
  },
  {
    name: 'learner asking for honor → enrolled in honor',
    body: { mode: 'honor' },
    ctx: { modes: modes('audit', 'honor') },
    expected: write('honor', true),
  },
  { name: 'learner with mode null → default mode', body: { mode: null }, expected: write('audit', true) },
  {
    name: 'privileged: empty user falls back to the e-mail target',
    body: { user: '', email: 'other@example.com' },
    caller: API_KEY,
    ctx: { target: OTHER_ROW },
    expected: write('audit', true),
  },
  // ---- step 6: the target exists ----
  {
    name: 'unknown e-mail → 406',
    body: { email: 'ghost@example.com' },
    caller: ADMIN,
    ctx: { target: null },
    expected: refused(406, 'The user with the email address ghost@example.com does not exist.'),
  },
  {
    name: 'unknown username → 406 (user wins over email)',
    body: { user: 'ghost', email: 'other@example.com' },
    caller: API_KEY,
    ctx: { target: null },
    expected: refused(406, 'The user ghost does not exist.'),
  },
  {
    name: 'API key alone without user → 406 for the empty username',
    caller: API_KEY,
    ctx: { target: null },
    expected: refused(406, 'The user  does not exist.'),
  },
  // ---- step 7: embargo ----
  {
    name: 'request country blocked → 403',
    requestCountry: 'CU',
    ctx: { course: course({ blockedCountries: ['CU'] }) },
    expected: embargoed,
  },
  {
    name: 'request country blocked, in lower case → 403',
    requestCountry: 'cu',
    ctx: { course: course({ blockedCountries: ['CU'] }) },
    expected: embargoed,
  },
  {
    name: 'request country ignored for an API-key call',
    body: { user: 'learner' },
    caller: API_KEY,
    requestCountry: 'CU',
    ctx: { course: course({ blockedCountries: ['CU'] }) },
    expected: write('audit', true),
  },
  {
    name: 'profile country blocked, API-key call → 403',
    body: { user: 'learner' },
    caller: API_KEY,
    ctx: { target: user(1, 'learner', { country: 'CU' }), course: course({ blockedCountries: ['CU'] }) },
    expected: embargoed,
  },
  {
    name: 'profile country blocked, JWT call from an allowed country → 403',
    requestCountry: 'FR',
    ctx: { target: user(1, 'learner', { country: 'CU' }), course: course({ blockedCountries: ['CU'] }) },
    expected: embargoed,
  },
  {
    name: 'countries not blocked → enrolled',
    requestCountry: 'FR',
    ctx: { target: user(1, 'learner', { country: 'DE' }), course: course({ blockedCountries: ['CU'] }) },
    expected: write('audit', true),
  },
  // ---- steps 8–9: the flags ----
  {
    name: 'is_active a string → 400',
    body: { is_active: 'yes' },
    expected: refused(400, "'yes' is an invalid enrollment activation status."),
  },
  {
    name: 'is_active a number → 400 (JSON text)',
    body: { is_active: 1 },
    expected: refused(400, "'1' is an invalid enrollment activation status."),
  },
  {
    name: 'is_active an array → 400 (JSON text)',
    body: { is_active: [true] },
    expected: refused(400, "'[true]' is an invalid enrollment activation status."),
  },
  {
    name: 'is_active is checked before force_enrollment',
    body: { is_active: 'no', force_enrollment: 'no' },
    expected: refused(400, "'no' is an invalid enrollment activation status."),
  },
  {
    name: 'is_active null counts as absent',
    body: { is_active: null },
    expected: write('audit', true, { isActive: null }),
  },
  {
    name: 'force_enrollment a string → 400',
    body: { force_enrollment: 'true' },
    caller: ADMIN,
    expected: refused(400, "'true' is an invalid force enrollment status."),
  },
  // ---- step 10: attributes and cohort ----
  {
    name: 'attribute without namespace → 400',
    body: { enrollment_attributes: [{}] },
    expected: badAttribute('namespace'),
  },
  {
    name: 'attribute without name → 400',
    body: { enrollment_attributes: [{ namespace: 'credit' }] },
    expected: badAttribute('name'),
  },
  {
    name: 'attribute with a non-string value → 400',
    body: { enrollment_attributes: [CREDIT_PROVIDER, { namespace: 'credit', name: 'x', value: 1 }] },
    expected: badAttribute('value'),
  },
  {
    name: 'attribute not an object → 400',
    body: { enrollment_attributes: ['credit'] },
    expected: badAttribute('namespace'),
  },
  {
    name: 'attributes are checked before the cohort',
    body: { enrollment_attributes: [null], cohort: 'Blue' },
    expected: badAttribute('namespace'),
  },
  {
    name: 'attributes null count as none',
    body: { enrollment_attributes: null },
    expected: write('audit', true, { attributes: [] }),
  },
  {
    name: 'learner naming a cohort → 403',
    body: { cohort: 'Blue' },
    ctx: { cohort: cohort(11, 'Blue') },
    expected: refused(403, 'Only course staff or a trusted service may choose a cohort.'),
  },
  {
    name: 'course staff with an inactive account naming a cohort → 403',
    body: { cohort: 'Blue' },
    caller: TEACHER,
    ctx: { target: TEACHER_ROW, roles: [role(3, false)], cohort: cohort(11, 'Blue') },
    expected: refused(403, 'Only course staff or a trusted service may choose a cohort.'),
  },
  {
    name: 'the target being course staff does not let the caller choose a cohort',
    body: { cohort: 'Blue' },
    ctx: { roles: [role(3)], cohort: cohort(11, 'Blue') },
    expected: refused(403, 'Only course staff or a trusted service may choose a cohort.'),
  },
  {
    name: 'course staff naming an unknown cohort → 400',
    body: { cohort: 'Blue' },
    caller: TEACHER,
    ctx: { target: TEACHER_ROW, roles: [role(3)] },
    expected: refused(400, 'An error occured while adding to cohort [Blue]'),
  },
  {
    name: 'an enrolled learner naming an unknown cohort → 400 (D4)',
    body: { user: 'learner', cohort: 'Blue' },
    caller: API_KEY,
    ctx: { current: enrollment('audit', true) },
    expected: refused(400, 'An error occured while adding to cohort [Blue]'),
  },
  {
    name: 'course staff naming their cohort → enrolled into it',
    body: { cohort: 'Blue' },
    caller: TEACHER,
    ctx: { target: TEACHER_ROW, roles: [role(3)], cohort: cohort(11, 'Blue') },
    expected: write('audit', true, { cohort: { id: 11, onlyIfNone: false } }),
  },
  // ---- update branch (privileged, the mode or the activation changes) ----
  {
    name: 'update: mode and activation change with is_active false → 400 mismatch',
    body: { user: 'learner', mode: 'audit', is_active: false },
    caller: ADMIN,
    ctx: { modes: modes('audit', 'verified'), current: enrollment('verified', true) },
    expected: refused(400, "Enrollment mode mismatch: active mode=verified, requested mode=audit. Won't deactivate."),
  },
  {
    name: 'update: credit with attributes lacking the provider → 400',
    body: { user: 'learner', mode: 'credit', enrollment_attributes: [{ namespace: 'order', name: 'id', value: '1' }] },
    caller: API_KEY,
    ctx: { modes: modes('audit', 'credit'), current: enrollment('audit', true) },
    expected: refused(
      400,
      "Missing enrollment attributes: requested mode=credit required attributes=['credit:provider_id']",
    ),
  },
  {
    name: 'update: credit with the provider attribute → mode changed, attributes kept',
    body: { user: 'learner', mode: 'credit', enrollment_attributes: [CREDIT_PROVIDER] },
    caller: API_KEY,
    ctx: { modes: modes('audit', 'credit'), current: enrollment('audit', true) },
    expected: write('credit', true, { attributes: [CREDIT_PROVIDER] }),
  },
  {
    name: 'update: credit without any attributes → accepted (D5)',
    body: { user: 'learner', mode: 'credit' },
    caller: API_KEY,
    ctx: { modes: modes('audit', 'credit'), current: enrollment('audit', true) },
    expected: write('credit', true),
  },
  {
    name: 'update: mode change for a course not provisioned → 400 no course',
    body: { user: 'learner', mode: 'verified' },
    caller: ADMIN,
    ctx: { course: null, modes: [], current: enrollment('audit', true) },
    expected: refused(400, `No course '${COURSE}' found for enrollment`),
  },
  {
    name: 'update: a mode the course does not offer → 400 unavailable',
    body: { user: 'learner', mode: 'professional' },
    caller: ADMIN,
    ctx: { modes: modes('audit', 'verified'), current: enrollment('audit', true) },
    expected: unavailable('professional', ['audit', 'verified']),
  },
  {
    name: 'update: an expired mode by global staff (JWT) → 400 unavailable, expired not listed',
    body: { user: 'learner', mode: 'verified' },
    caller: ADMIN,
    ctx: { modes: modes('audit', ['verified', EXPIRED]), current: enrollment('audit', true) },
    expected: unavailable('verified', ['audit']),
  },
  {
    name: 'update: an expired mode by the API key → changed',
    body: { user: 'learner', mode: 'verified' },
    caller: API_KEY,
    ctx: { modes: modes('audit', ['verified', EXPIRED]), current: enrollment('audit', true) },
    expected: write('verified', true),
  },
  {
    name: 'update: an expired mode on an inactive enrollment kept inactive → changed',
    body: { user: 'learner', mode: 'verified', is_active: false },
    caller: ADMIN,
    ctx: { modes: modes('audit', ['verified', EXPIRED]), current: enrollment('audit', false) },
    expected: write('verified', false, { isActive: false }),
  },
  {
    name: 'update: deactivation keeps the mode',
    body: { user: 'learner', is_active: false },
    caller: API_KEY,
    ctx: { modes: modes('audit', 'verified'), current: enrollment('verified', true) },
    expected: write('verified', false, { isActive: false }),
  },
  {
    name: 'update: deactivation in the same mode',
    body: { user: 'learner', mode: 'verified', is_active: false },
    caller: ADMIN,
    ctx: { modes: modes('audit', ['verified', EXPIRED]), current: enrollment('verified', true) },
    expected: write('verified', false, { isActive: false }),
  },
  {
    name: 'update: re-activation keeps the old mode and skips window, invite-only and capacity',
    body: { user: 'learner', is_active: true },
    caller: ADMIN,
    ctx: {
      course: course({ inviteOnly: true, enrollmentEnd: NOW - DAY, maxStudentEnrollmentsAllowed: 1 }),
      activeLearners: 1,
      modes: modes('audit', ['verified', EXPIRED]),
      current: enrollment('verified', false),
    },
    expected: write('verified', true, { isActive: true }),
  },
  {
    name: 'update: a named cohort applies, pre-assignment and random cohorts do not',
    body: { user: 'learner', is_active: false, cohort: 'Blue' },
    caller: API_KEY,
    ctx: {
      current: enrollment('audit', true),
      cohort: cohort(11, 'Blue'),
      preassignedCohortId: 12,
      randomCohortIds: [13],
    },
    expected: write('audit', false, { isActive: false, cohort: { id: 11, onlyIfNone: false } }),
  },
  {
    name: 'update: no cohort named → none joined',
    body: { user: 'learner', is_active: false },
    caller: API_KEY,
    ctx: { current: enrollment('audit', true), preassignedCohortId: 12, randomCohortIds: [13] },
    expected: write('audit', false, { isActive: false, cohort: null }),
  },
  // ---- add branch: course and mode ----
  {
    name: 'add: course not provisioned → 400 no course',
    ctx: { course: null, modes: [] },
    expected: refused(400, `No course '${COURSE}' found for enrollment`),
  },
  {
    name: 'add: default mode prefers audit over the modes order',
    ctx: { modes: modes('verified', 'honor', 'audit') },
    expected: write('audit', true),
  },
  {
    name: 'add: default mode honor when audit expired',
    ctx: { modes: modes(['audit', EXPIRED], 'honor', 'verified') },
    expected: write('honor', true),
  },
  {
    name: 'add: default mode audit when every mode expired (synthesised audit)',
    ctx: { modes: modes(['honor', EXPIRED], ['verified', EXPIRED]) },
    expected: write('audit', true),
  },
  {
    name: 'add: default mode audit when the course has no modes',
    ctx: { modes: [] },
    expected: write('audit', true),
  },
  {
    name: 'add: default audit not offered → 400 unavailable [None] (D10)',
    ctx: { modes: modes('verified') },
    expected: unavailable('None', ['verified']),
  },
  {
    name: 'add: a requested mode not offered → 400 unavailable',
    body: { mode: 'honor' },
    ctx: { modes: modes('audit', 'verified') },
    expected: unavailable('honor', ['audit', 'verified']),
  },
  {
    name: 'add: an expired requested mode → 400 unavailable, expired not listed',
    body: { mode: 'honor' },
    ctx: { modes: modes('audit', ['honor', EXPIRED]) },
    expected: unavailable('honor', ['audit']),
  },
  {
    name: 'add: a mode expiring exactly now is still current',
    body: { mode: 'honor' },
    ctx: { modes: modes('audit', ['honor', NOW]) },
    expected: write('honor', true),
  },
  {
    name: 'add: an expired mode with is_active false → inactive row in it',
    body: { mode: 'honor', is_active: false },
    ctx: { modes: modes('audit', ['honor', EXPIRED]) },
    expected: write('honor', false, { isActive: false }),
  },
  {
    name: 'add: an expired mode forced by global staff → enrolled',
    body: { user: 'learner', mode: 'verified', force_enrollment: true },
    caller: ADMIN,
    ctx: { modes: modes('audit', ['verified', EXPIRED]) },
    expected: write('verified', true),
  },
  {
    name: 'add: an expired mode "forced" by the API key → 400 (the key cannot force)',
    body: { user: 'learner', mode: 'verified', force_enrollment: true },
    caller: API_KEY,
    ctx: { modes: modes('audit', ['verified', EXPIRED]) },
    expected: unavailable('verified', ['audit']),
  },
  {
    name: 'add: an expired mode by global staff without force → 400',
    body: { user: 'learner', mode: 'verified', force_enrollment: false },
    caller: ADMIN,
    ctx: { modes: modes('audit', ['verified', EXPIRED]) },
    expected: unavailable('verified', ['audit']),
  },
  {
    name: 'add: a mode the course never offered, even forced → 400',
    body: { user: 'learner', mode: 'masters', force_enrollment: true },
    caller: ADMIN,
    ctx: { modes: modes('audit') },
    expected: unavailable('masters', ['audit']),
  },
  {
    name: 'add: the mode is checked before access',
    body: { mode: 'honor' },
    ctx: { course: course({ inviteOnly: true }), modes: modes('audit') },
    expected: unavailable('honor', ['audit']),
  },
  // ---- add branch: who may enroll ----
  {
    name: 'add: invite-only → 400 enrollment error',
    ctx: { course: course({ inviteOnly: true }) },
    expected: enrollmentError(),
  },
  {
    name: 'add: window not open yet → 400',
    ctx: { course: course({ enrollmentStart: NOW + DAY }) },
    expected: enrollmentError(),
  },
  {
    name: 'add: window opening exactly now → 400 (exclusive)',
    ctx: { course: course({ enrollmentStart: NOW }) },
    expected: enrollmentError(),
  },
  {
    name: 'add: window closing exactly now → 400 (exclusive)',
    ctx: { course: course({ enrollmentEnd: NOW }) },
    expected: enrollmentError(),
  },
  {
    name: 'add: window closed → 400',
    ctx: { course: course({ enrollmentStart: NOW - 2 * DAY, enrollmentEnd: NOW - DAY }) },
    expected: enrollmentError(),
  },
  {
    name: 'add: inside the window → enrolled',
    ctx: { course: course(OPEN_WINDOW) },
    expected: write('audit', true),
  },
  {
    name: 'add: unused allowance on an invite-only, closed course → enrolled, allowance consumed',
    ctx: { course: course({ inviteOnly: true, enrollmentEnd: NOW - DAY }), allowance: allowance(null) },
    expected: write('audit', true, { consumeAllowanceId: 70 }),
  },
  {
    name: "add: allowance already the target's → enrolled, nothing to consume",
    ctx: { course: course({ inviteOnly: true }), allowance: allowance(1) },
    expected: write('audit', true, { consumeAllowanceId: null }),
  },
  {
    name: 'add: allowance used by another account → 400, even for global staff target on an open course',
    ctx: { target: user(1, 'learner', { isStaff: true }), allowance: allowance(2) },
    expected: enrollmentError(),
  },
  {
    name: 'add: global-staff target on an invite-only course → enrolled',
    ctx: { target: user(1, 'learner', { isStaff: true }), course: course({ inviteOnly: true }) },
    expected: write('audit', true),
  },
  {
    name: 'add: course-staff target outside the window → enrolled',
    ctx: { course: course({ enrollmentEnd: NOW - DAY }), roles: [role(1)] },
    expected: write('audit', true),
  },
  {
    name: 'add: course-staff target whose account is inactive, invite-only → 400',
    ctx: {
      target: user(1, 'learner', { isActive: false }),
      course: course({ inviteOnly: true }),
      roles: [role(1, false)],
    },
    expected: enrollmentError(),
  },
  {
    name: "add: a staff caller's role does not open an invite-only course for the target",
    body: { user: 'learner' },
    caller: ADMIN,
    ctx: { course: course({ inviteOnly: true }), roles: [role(9)] },
    expected: enrollmentError(),
  },
  {
    name: 'add: forced by global staff on an invite-only, closed course → enrolled',
    body: { user: 'learner', force_enrollment: true },
    caller: ADMIN,
    ctx: { course: course({ inviteOnly: true, enrollmentStart: NOW + DAY }) },
    expected: write('audit', true),
  },
  {
    name: 'add: forced by the API key on an invite-only course → 400',
    body: { user: 'learner', force_enrollment: true },
    caller: API_KEY,
    ctx: { course: course({ inviteOnly: true }) },
    expected: enrollmentError(),
  },
  {
    name: 'add: forced by global staff, but an allowance used by another account → still enrolled',
    body: { user: 'learner', force_enrollment: true },
    caller: ADMIN,
    ctx: { allowance: allowance(2) },
    expected: write('audit', true, { consumeAllowanceId: null }),
  },
  {
    name: 'add: the target named in the error is the one enrolled',
    body: { user: 'other' },
    caller: ADMIN,
    ctx: { target: OTHER_ROW, course: course({ inviteOnly: true }) },
    expected: enrollmentError('other'),
  },
  // ---- add branch: capacity ----
  {
    name: 'add: capacity left → enrolled',
    ctx: { course: course({ maxStudentEnrollmentsAllowed: 2 }), activeLearners: 1 },
    expected: write('audit', true),
  },
  {
    name: 'add: capacity reached → 400',
    ctx: { course: course({ maxStudentEnrollmentsAllowed: 2 }), activeLearners: 2 },
    expected: enrollmentError(),
  },
  {
    name: 'add: capacity zero → 400',
    ctx: { course: course({ maxStudentEnrollmentsAllowed: 0 }), activeLearners: 0 },
    expected: enrollmentError(),
  },
  {
    name: 'add: capacity reached, course-staff target → 400',
    ctx: { course: course({ maxStudentEnrollmentsAllowed: 1 }), activeLearners: 1, roles: [role(1)] },
    expected: enrollmentError(),
  },
  {
    name: 'add: capacity reached, forced by global staff → 400',
    body: { user: 'learner', force_enrollment: true },
    caller: ADMIN,
    ctx: { course: course({ maxStudentEnrollmentsAllowed: 1 }), activeLearners: 1 },
    expected: enrollmentError(),
  },
  {
    name: 'add: capacity reached, already enrolled → 400 (D15)',
    ctx: {
      course: course({ maxStudentEnrollmentsAllowed: 1 }),
      activeLearners: 1,
      current: enrollment('audit', true),
    },
    expected: enrollmentError(),
  },
  // ---- add branch: already active → unchanged ----
  {
    name: 'unchanged: learner already active',
    ctx: { current: enrollment('audit', true) },
    expected: unchanged('audit'),
  },
  {
    name: 'unchanged: learner sending is_active false cannot deactivate',
    body: { is_active: false },
    ctx: { current: enrollment('audit', true) },
    expected: unchanged('audit', false),
  },
  {
    name: 'unchanged: learner asking another allowed mode keeps theirs',
    body: { mode: 'honor' },
    ctx: { modes: modes('audit', 'honor'), current: enrollment('audit', true) },
    expected: unchanged('audit'),
  },
  {
    name: 'unchanged: API key re-posting the same mode and activation',
    body: { user: 'learner', mode: 'verified', is_active: true },
    caller: API_KEY,
    ctx: { modes: modes('audit', 'verified'), current: enrollment('verified', true) },
    expected: unchanged('verified', true),
  },
  {
    name: 'unchanged: cohort and attributes untouched when already active',
    body: { cohort: 'Blue', enrollment_attributes: [CREDIT_PROVIDER] },
    caller: TEACHER,
    ctx: {
      target: TEACHER_ROW,
      roles: [role(3)],
      cohort: cohort(11, 'Blue'),
      current: enrollment('audit', true, 3),
    },
    expected: unchanged('audit'),
  },
  {
    name: 'unchanged still checks the mode: already active, unavailable mode → 400',
    body: { mode: 'honor' },
    ctx: { current: enrollment('audit', true) },
    expected: unavailable('honor', ['audit']),
  },
  {
    name: 'unchanged still checks access: already active, invite-only → 400',
    ctx: { course: course({ inviteOnly: true }), current: enrollment('audit', true) },
    expected: enrollmentError(),
  },
  // ---- add branch: create or re-activate ----
  {
    name: 're-activation by the learner: default mode, not the old one',
    ctx: { modes: modes('audit', 'verified'), current: enrollment('verified', false) },
    expected: write('audit', true),
  },
  {
    name: 'create with is_active false → inactive row (upstream quirk)',
    body: { is_active: false },
    expected: write('audit', false, { isActive: false }),
  },
  {
    name: 'learner is_active false on an inactive enrollment → written inactive',
    body: { is_active: false },
    ctx: { current: enrollment('audit', false) },
    expected: write('audit', false, { isActive: false }),
  },
  {
    name: 'privileged enroll with is_active true of an existing inactive row in the same mode → update branch',
    body: { user: 'learner', mode: 'audit', is_active: true },
    caller: API_KEY,
    ctx: { current: enrollment('audit', false) },
    expected: write('audit', true, { isActive: true, cohort: null }),
  },
  // ---- cohort on enroll ----
  {
    name: 'cohort: pre-assigned one joined (moving out of any other)',
    ctx: { preassignedCohortId: 12, randomCohortIds: [13, 14] },
    expected: write('audit', true, { cohort: { id: 12, onlyIfNone: false } }),
  },
  {
    name: 'cohort: random one, only if in none yet (random 0 → first)',
    ctx: { randomCohortIds: [13, 14, 15] },
    expected: write('audit', true, { cohort: { id: 13, onlyIfNone: true } }),
  },
  {
    name: 'cohort: random one (random 0.99 → last)',
    random: () => 0.99,
    ctx: { randomCohortIds: [13, 14, 15] },
    expected: write('audit', true, { cohort: { id: 15, onlyIfNone: true } }),
  },
  {
    name: 'cohort: named beats pre-assigned and random',
    body: { user: 'learner', cohort: 'Blue' },
    caller: API_KEY,
    ctx: { cohort: cohort(11, 'Blue'), preassignedCohortId: 12, randomCohortIds: [13] },
    expected: write('audit', true, { cohort: { id: 11, onlyIfNone: false } }),
  },
  {
    name: 'cohort: a named random cohort is joined as named',
    body: { user: 'learner', cohort: 'Dice' },
    caller: ADMIN,
    ctx: { cohort: cohort(13, 'Dice', 'random'), randomCohortIds: [13, 14] },
    expected: write('audit', true, { cohort: { id: 13, onlyIfNone: false } }),
  },
  {
    name: 'cohort: none to join',
    expected: write('audit', true, { cohort: null }),
  },
  {
    name: 'cohort: re-activation also gets the random cohort',
    ctx: { current: enrollment('audit', false), randomCohortIds: [14] },
    expected: write('audit', true, { cohort: { id: 14, onlyIfNone: true } }),
  },
];

describe('POST /enrollment decisions (enroll.plan.ts)', () => {
  it.each(cases)('$name', (c) => {
    const body = { course_details: { course_id: COURSE }, ...c.body };
    const result = outcome(body, c.caller ?? LEARNER, context(c.ctx), {
      requestCountry: c.requestCountry ?? null,
      random: c.random ?? (() => 0),
    });
    if ('status' in c.expected) expect(result).toEqual(c.expected);
    else expect(result).toMatchObject(c.expected);
  });

  it('every Decision shape is in the table', () => {
    const shapes = new Set(
      cases.flatMap((c) =>
        'decision' in c.expected
          ? [
              `${c.expected.decision.kind}${'next' in c.expected.decision ? `:${JSON.stringify(c.expected.decision.cohort)}` : ''}`,
            ]
          : [],
      ),
    );
    expect(shapes).toEqual(
      new Set([
        'unchanged',
        'write:null',
        'write:{"id":11,"onlyIfNone":false}',
        'write:{"id":12,"onlyIfNone":false}',
        'write:{"id":13,"onlyIfNone":true}',
        'write:{"id":13,"onlyIfNone":false}',
        'write:{"id":14,"onlyIfNone":true}',
        'write:{"id":15,"onlyIfNone":true}',
      ]),
    );
  });
});

// ---- property: the add branch's mode ----

const SLUGS = ['audit', 'honor', 'verified', 'credit', 'professional', 'masters'] as const;

const modeListArb = fc.uniqueArray(
  fc.record({
    slug: fc.constantFrom(...SLUGS),
    // Expiration relative to now: none, past, exactly now, future.
    offset: fc.option(fc.constantFrom(-DAY, -1, 0, 1, DAY), { nil: null }),
  }),
  { selector: (m) => m.slug, maxLength: SLUGS.length },
);

const scenarioArb = fc.record({
  modes: modeListArb,
  now: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
  caller: fc.constantFrom(LEARNER, ADMIN, API_KEY),
  requested: fc.option(fc.constantFrom(...SLUGS), { nil: null }),
  isActive: fc.constantFrom(true, false, null),
  force: fc.constantFrom(true, false, null),
  /** Only learners re-activate here: a privileged caller's change would take the update branch. */
  reactivateFrom: fc.option(fc.constantFrom(...SLUGS), { nil: null }),
});

describe('property: the add branch mode rule', () => {
  it('default mode = defaultModeSlug; never a write in a mode isModeAvailable rejects unless forced or deactivating', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const stored = s.modes.map((m) => mode(m.slug, m.offset === null ? null : s.now + m.offset));
        const learner = s.caller === LEARNER;
        const body: Record<string, unknown> = {
          course_details: { course_id: COURSE },
          mode: s.requested,
          is_active: s.isActive,
          force_enrollment: s.force,
          ...(learner ? {} : { user: 'learner' }),
        };
        const ctx = context({
          modes: stored,
          current: learner && s.reactivateFrom !== null ? enrollment(s.reactivateFrom, false) : null,
        });
        const result = outcome(body, s.caller, ctx, { now: s.now });
        const forced = s.force === true && s.caller.globalStaff;
        const deactivating = s.isActive === false;
        const resolved = s.requested ?? defaultModeSlug(stored, s.now);

        if (learner && s.requested !== null && s.requested !== 'audit' && s.requested !== 'honor') {
          expect(result).toMatchObject({ status: 403 });
          return;
        }
        if ('status' in result) {
          // An open course without capacity refuses only an unavailable mode.
          expect(result).toMatchObject({
            status: 400,
            body: {
              message: `The [${s.requested ?? 'None'}] course mode is expired or otherwise unavailable for course run [${COURSE}].`,
            },
          });
          expect(isModeAvailable(resolved, stored, deactivating || forced, s.now)).toBe(false);
          return;
        }
        const d = result.decision;
        expect(d.kind).toBe('write');
        if (d.kind !== 'write') return;
        expect(d.next.mode).toBe(resolved);
        if (s.requested === null) expect(d.next.mode).toBe(defaultModeSlug(stored, s.now));
        if (!isModeAvailable(d.next.mode, stored, false, s.now)) expect(forced || deactivating).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
