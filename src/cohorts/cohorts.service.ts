import type { Deps } from '../context';
import { isGlobalStaff, type Principal } from '../context/principal';
import { parseCourseKey } from '../lib/course-key';
import { ApiError } from '../lib/errors';
import { type AssignmentType, holdsStaffRole, insertCohort, listCohorts } from './cohorts.repo';

/** Error bodies in upstream DeveloperErrorViewMixin shape. */
export function cohortError(
  status: 400 | 404,
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

const courseNotFound = (courseId: string) => cohortError(404, `Course ${courseId} not found.`, 'course-not-found');

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
