import type { Deps } from '../context';
import { isGlobalStaff, type Principal } from '../context/principal';
import { parseCourseKey } from '../lib/course-key';
import { echo } from '../lib/echo';
import { ApiError } from '../lib/errors';
import {
  type AssignmentType,
  type CohortChange,
  findCohort,
  holdsStaffRole,
  insertCohort,
  listCohorts,
  updateCohort,
} from './cohorts.repo';

/** Error bodies in upstream DeveloperErrorViewMixin shape. */
export function cohortError(
  status: 400 | 404 | 413,
  developerMessage: string,
  errorCode: string,
  fieldErrors?: Record<string, string>,
) {
  const body: Record<string, unknown> = { developer_message: developerMessage, error_code: errorCode };
  if (fieldErrors) {
    body.field_errors = Object.fromEntries(
      Object.entries(fieldErrors).map(([field, message]) => [field, { developer_message: message }]),
    );
  }
  return new ApiError(status, body);
}

export const courseNotFound = (courseId: string) =>
  cohortError(404, `Course ${echo(courseId)} not found.`, 'course-not-found');

/** Upstream CohortUsers' 404, for every route under `…/cohorts/{cohort_id}` (#c3). */
export const cohortNotFound = (courseId: string, rawId: string) =>
  cohortError(404, `Cohort (ID ${echo(rawId)}) not found for ${echo(courseId)}`, 'cohort-not-found');

/** A cohort id as the path spells it: digits only (upstream's URL pattern), else no cohort (0 names none). */
export const cohortIdOf = (raw: string): number => (/^\d{1,15}$/.test(raw) ? Number(raw) : 0);

/**
 * Global staff, the API key, or the course's staff (role `staff` or `instructor`, active account;
 * docs/api/enrollments.md#callers). Restricted applications never qualify. Costs a query only for a user who
 * is neither API key nor global staff.
 */
export async function mayManageCohorts(deps: Deps, principal: Principal, courseId: string): Promise<boolean> {
  if (principal.apiKey || isGlobalStaff(principal)) return true;
  const user = principal.user;
  if (!user || principal.restricted || !user.isActive || !parseCourseKey(courseId)) return false;
  return holdsStaffRole(deps.db, courseId, user.id);
}

const toCohort = (row: { id: number; name: string; assignmentType: AssignmentType; userCount?: number }) => ({
  id: row.id,
  name: row.name,
  user_count: row.userCount ?? 0,
  assignment_type: row.assignmentType,
  // No content groups (user partitions) in this service.
  user_partition_id: null,
  group_id: null,
});

/** The run's cohorts in creation order. An id that is not a course key names no run: 404. */
export async function getCohorts(deps: Deps, courseId: string) {
  const rows = parseCourseKey(courseId) ? await listCohorts(deps.db, courseId) : null;
  if (!rows) throw courseNotFound(courseId);
  return { cohorts: rows.map(toCohort) };
}

/** Creates a cohort; names are unique per run, compared exactly (case-sensitive). */
export async function createCohort(deps: Deps, courseId: string, name: string, assignmentType: AssignmentType) {
  if (!parseCourseKey(courseId)) throw courseNotFound(courseId);
  const { courseFound, cohort } = await insertCohort(deps.db, courseId, name, assignmentType, deps.now());
  if (!courseFound) throw courseNotFound(courseId);
  if (!cohort) throw cohortError(400, 'A cohort with the same name already exists.', 'cohort-name-exists');
  return toCohort(cohort);
}

/** One cohort of the run: 404 for an unknown run first, then for a cohort not in it. One round trip. */
export async function getCohort(deps: Deps, courseId: string, rawId: string) {
  if (!parseCourseKey(courseId)) throw courseNotFound(courseId);
  const { courseFound, cohort } = await findCohort(deps.db, courseId, cohortIdOf(rawId));
  if (!courseFound) throw courseNotFound(courseId);
  if (!cohort) throw cohortNotFound(courseId, rawId);
  return toCohort(cohort);
}

const LAST_RANDOM = 'There must be one cohort to which students can automatically be assigned.';

/**
 * Upstream CohortHandler PATCH, applied whole or not at all (#c4): the name must not be another
 * cohort's, and the run's last random cohort stays random. One round trip.
 */
export async function patchCohort(deps: Deps, courseId: string, rawId: string, change: CohortChange) {
  if (change.name === undefined && change.assignmentType === undefined) {
    throw cohortError(400, 'Request must include name and/or assignment type.', 'missing-fields');
  }
  if (!parseCourseKey(courseId)) throw courseNotFound(courseId);
  const result = await updateCohort(deps.db, courseId, cohortIdOf(rawId), change);
  if (!result.courseFound) throw courseNotFound(courseId);
  if (!result.cohort) throw cohortNotFound(courseId, rawId);
  if (result.updated) return;
  if (result.nameTaken) throw cohortError(400, 'A cohort with the same name already exists.', 'cohort-name-exists');
  if (result.randomCohorts === 1 && result.cohort.assignmentType === 'random') {
    throw cohortError(400, LAST_RANDOM, 'last-random-cohort');
  }
  throw new Error('cohort update refused for no known reason');
}
