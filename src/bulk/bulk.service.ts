import type { Principal } from '../auth/principal';
import type { Deps } from '../context';
import { defaultModeSlug } from '../enrollments/course-modes';
import { groupBy } from '../lib/collections';
import { ApiError, NOT_FOUND_DETAIL } from '../lib/errors';
import { type CourseState, type KnownUser, planCourse, type Result } from './bulk.plan';
import { courseWriteStatements, loadBulkState } from './bulk.repo';
import type { BulkRequest } from './bulk.request';
import { composeMessage } from './notifications';

// POST /api/bulk_enroll/v1/bulk_enroll/ (bulk-enroll.md). Everything is read in one round trip and
// checked before any change (unknown cohorts and courses included); then the changes of every course
// are written in ONE atomic batch, so a request is applied whole or not at all. `dry_run` stops
// before the writes.

export interface BulkResponse {
  auto_enroll: boolean;
  email_students: boolean;
  action: 'enroll' | 'unenroll';
  courses: Record<string, { action: 'enroll' | 'unenroll'; auto_enroll: boolean; results: Result[] }>;
  dry_run?: true;
}

export async function bulkEnroll(deps: Deps, principal: Principal, request: BulkRequest): Promise<BulkResponse> {
  const now = deps.now();
  const loaded = await loadBulkState(deps.db, {
    identifiers: request.identifiers,
    courseIds: request.courses,
    cohortNames: request.cohorts ?? [],
  });

  // §4 step 2: each cohort must belong to its paired course (first failing pair).
  const cohortByPair = new Map(loaded.cohorts.map((c) => [`${c.courseId}\n${c.name}`, c]));
  const pairedCohorts = (request.cohorts ?? []).map((name, i) => {
    const courseId = request.courses[i] as string;
    const cohort = cohortByPair.get(`${courseId}\n${name}`);
    if (!cohort) throw new ApiError(400, { non_field_errors: [`cohort ${name} not found in course ${courseId}.`] });
    return cohort;
  });
  // §4 step 3 (§10 defect 7): every course exists, checked before anything changes.
  const courseNames = new Map(loaded.courses.map((c) => [c.id, c.name]));
  if (request.courses.some((id) => !courseNames.has(id))) throw new ApiError(404, NOT_FOUND_DETAIL);

  const userOf = resolver(loaded.users);
  const modesByCourse = groupBy(loaded.modes, (m) => m.courseId);
  const enrollmentsByCourse = groupBy(loaded.enrollments, (e) => e.courseId);
  const allowancesByCourse = groupBy(loaded.allowances, (a) => a.courseId);
  const membershipsByCourse = groupBy(loaded.memberships, (m) => m.courseId);
  const states = new Map<string, CourseState>();
  const stateOf = (courseId: string, cohort: CourseState['cohort']): CourseState => {
    const known = states.get(courseId);
    if (known) return { ...known, cohort };
    return {
      courseId,
      defaultMode: defaultModeSlug(modesByCourse.get(courseId) ?? [], now),
      enrollments: new Map((enrollmentsByCourse.get(courseId) ?? []).map((e) => [e.userId, e])),
      allowances: new Map((allowancesByCourse.get(courseId) ?? []).map((a) => [a.email, a])),
      cohortOf: new Map((membershipsByCourse.get(courseId) ?? []).map((m) => [m.userId, m.name])),
      cohort,
    };
  };

  const response: BulkResponse = {
    auto_enroll: request.autoEnroll,
    email_students: request.emailStudents,
    action: request.action,
    courses: {},
  };
  const input = {
    action: request.action,
    autoEnroll: request.autoEnroll,
    emailStudents: request.emailStudents && !request.dryRun,
    identifiers: request.identifiers,
    userOf,
    retiredEmails: new Set(loaded.retiredEmails),
  };
  const writes: ReturnType<typeof courseWriteStatements> = [];
  for (const [i, courseId] of request.courses.entries()) {
    const cohort = pairedCohorts[i] ?? null;
    const state = stateOf(courseId, cohort ? { id: cohort.id, name: cohort.name } : null);
    const plan = planCourse(input, state);
    // A course listed twice is processed twice and sees the first pass (§7).
    states.set(courseId, plan.nextState);
    response.courses[courseId] = { action: request.action, auto_enroll: request.autoEnroll, results: plan.results };
    if (request.dryRun) continue;
    const courseName = courseNames.get(courseId) ?? courseId;
    const statements = courseWriteStatements(deps.db, {
      courseId,
      defaultMode: state.defaultMode,
      now,
      ...plan,
      audits: plan.audits.map((a) => ({ ...a, enrolledBy: principal.user?.username ?? null, reason: request.reason })),
      messages: plan.messages.map((m) => ({
        to: m.to,
        kind: m.kind,
        language: m.language,
        ...composeMessage({
          ...m,
          courseId,
          courseName,
          lmsRootUrl: deps.config.LMS_ROOT_URL,
          autoEnroll: request.autoEnroll,
        }),
      })),
    });
    writes.push(...statements);
  }
  const [first, ...rest] = writes;
  if (first) await deps.db.batch([first, ...rest]);
  if (request.dryRun) response.dry_run = true;
  return response;
}

type LoadedUser = Awaited<ReturnType<typeof loadBulkState>>['users'][number];

/**
 * §5.1: a user whose e-mail or username equals the identifier. An e-mail match wins over a
 * username match (§10 defect 8), and a user being retired is not found by username.
 */
function resolver(rows: LoadedUser[]): (identifier: string) => KnownUser | null {
  const byEmail = new Map<string, KnownUser>();
  const byUsername = new Map<string, KnownUser>();
  for (const { user, retiredAt } of rows) {
    const known = {
      id: user.id,
      username: user.username,
      email: user.email,
      name: user.name,
      isActive: user.isActive,
      language: user.language,
    };
    if (!byEmail.has(user.email)) byEmail.set(user.email, known);
    if (retiredAt === null) byUsername.set(user.username, known);
  }
  return (identifier) => byEmail.get(identifier) ?? byUsername.get(identifier) ?? null;
}
