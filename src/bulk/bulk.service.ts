import type { Deps } from '../context';
import type { Principal } from '../context/principal';
import { runBatch, type Statement } from '../db/batch';
import { defaultModeSlug } from '../enrollments/course-modes';
import type { AuditOrigin } from '../enrollments/enrollment-writes.repo';
import { groupBy } from '../lib/collections';
import { echo } from '../lib/echo';
import { ApiError, NOT_FOUND_DETAIL } from '../lib/errors';
import {
  type CoursePlan,
  type CourseState,
  type KnownUser,
  type PlanInput,
  planCourse,
  type Result,
} from './bulk.plan';
import { loadBulkState } from './bulk.repo';
import type { BulkRequest } from './bulk.request';
import { courseWriteStatements } from './bulk.writes';
import { composeMessage } from './notifications';
import type { QueuedMessage } from './notifications.repo';

// POST /api/bulk_enroll/v1/bulk_enroll/ (docs/api/bulk-enroll.md). Everything is read in one round trip and
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
  const pairedCohorts = checkCohortsAndCourses(request, loaded);
  const response: BulkResponse = {
    auto_enroll: request.autoEnroll,
    email_students: request.emailStudents,
    action: request.action,
    courses: {},
  };
  const pass = coursePasses(deps, request, loaded, bulkOrigin(principal.user?.username ?? null, request, now));
  const writes: Statement[] = [];
  for (const [i, courseId] of request.courses.entries()) {
    const cohort = pairedCohorts[i];
    const { results, statements } = pass(courseId, cohort ? { id: cohort.id, name: cohort.name } : null);
    response.courses[courseId] = { action: request.action, auto_enroll: request.autoEnroll, results };
    writes.push(...statements);
  }
  await runBatch(deps.db, writes);
  if (request.dryRun) response.dry_run = true;
  return response;
}

/** Who made the change and through what, for the audit records. */
export const bulkOrigin = (actor: string | null, request: Pick<BulkRequest, 'reason'>, now: number): AuditOrigin => ({
  source: 'bulk_enroll',
  actor,
  reason: request.reason,
  now,
});

export type Loaded = Awaited<ReturnType<typeof loadBulkState>>;

/**
 * One pass over a course per call, in request order: its results and its write statements (none
 * for a dry run). A course passed twice continues from the first pass. The jobs domain calls it
 * once per chunk, with the chunk's identifiers; `mode` replaces each course's default mode for new
 * enrollments.
 */
export function coursePasses(
  deps: Pick<Deps, 'db' | 'config'>,
  request: BulkRequest & { mode?: string | null },
  loaded: Loaded,
  origin: AuditOrigin,
) {
  const stateOf = courseStates(loaded, origin.now);
  const input: PlanInput = {
    action: request.action,
    autoEnroll: request.autoEnroll,
    emailStudents: request.emailStudents && !request.dryRun,
    identifiers: request.identifiers,
    userOf: resolver(loaded.users),
    retiredEmails: new Set(loaded.retiredEmails),
  };
  const courseNames = new Map(loaded.courses.map((c) => [c.id, c.name]));
  return (courseId: string, cohort: CourseState['cohort']) => {
    const state = stateOf(courseId, cohort);
    const plan = planCourse(input, state);
    // A course listed twice is processed twice and sees the first pass.
    stateOf.remember(plan.nextState);
    if (request.dryRun) return { results: plan.results, statements: [] };
    const messages = composeMessages(plan, {
      courseId,
      courseName: courseNames.get(courseId) ?? courseId,
      lmsRootUrl: deps.config.LMS_ROOT_URL,
      autoEnroll: request.autoEnroll,
    });
    const defaultMode = request.mode ?? state.defaultMode;
    return {
      results: plan.results,
      statements: courseWriteStatements(deps.db, { courseId, defaultMode, ...plan, messages }, origin),
    };
  };
}

/**
 * Each cohort must belong to its paired course (first failing pair, 400), and every course must
 * exist (404): both checked before anything changes.
 */
export function checkCohortsAndCourses(
  request: Pick<BulkRequest, 'courses' | 'cohorts'>,
  loaded: Pick<Loaded, 'cohorts' | 'courses'>,
) {
  const cohortByPair = new Map(loaded.cohorts.map((c) => [`${c.courseId}\n${c.name}`, c]));
  const pairedCohorts = (request.cohorts ?? []).map((name, i) => {
    const courseId = request.courses[i] as string;
    const cohort = cohortByPair.get(`${courseId}\n${name}`);
    if (!cohort)
      throw new ApiError(400, { non_field_errors: [`cohort ${echo(name)} not found in course ${echo(courseId)}.`] });
    return cohort;
  });
  const known = new Set(loaded.courses.map((c) => c.id));
  if (request.courses.some((id) => !known.has(id))) throw new ApiError(404, NOT_FOUND_DETAIL);
  return pairedCohorts;
}

/** Each course's state as read, or as an earlier pass over the same course left it. */
function courseStates(loaded: Loaded, now: number) {
  const modesByCourse = groupBy(loaded.modes, (m) => m.courseId);
  const enrollmentsByCourse = groupBy(loaded.enrollments, (e) => e.courseId);
  const allowancesByCourse = groupBy(loaded.allowances, (a) => a.courseId);
  const membershipsByCourse = groupBy(loaded.memberships, (m) => m.courseId);
  const passed = new Map<string, CourseState>();
  const stateOf = (courseId: string, cohort: CourseState['cohort']): CourseState => {
    const known = passed.get(courseId);
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
  return Object.assign(stateOf, { remember: (state: CourseState) => passed.set(state.courseId, state) });
}

function composeMessages(
  plan: CoursePlan,
  course: { courseId: string; courseName: string; lmsRootUrl: string; autoEnroll: boolean },
): QueuedMessage[] {
  return plan.messages.map((m) => ({
    to: m.to,
    kind: m.kind,
    language: m.language,
    ...composeMessage({ ...m, ...course }),
  }));
}

type LoadedUser = Awaited<ReturnType<typeof loadBulkState>>['users'][number];

/**
 * #resolving: a user whose e-mail or username equals the identifier. An e-mail match wins over a
 * username match (#b8), and a user being retired is not found by username.
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
