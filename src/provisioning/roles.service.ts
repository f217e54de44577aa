import type { Deps } from '../context';
import { developerError } from '../lib/errors';
import { type CourseRole, deleteCourseRole, insertCourseRole } from '../roles/course-roles.repo';
import { userNotFound } from '../users/users.service';
import { courseNotFound } from './courses.service';

/**
 * Course staff roles (docs/api/enrollments.md#callers: `staff` or `instructor`, instructor implying staff).
 * Both the run and the user must already be provisioned (404 naming the missing one).
 */
export async function grantCourseRole(deps: Deps, courseId: string, username: string, role: CourseRole) {
  const outcome = await insertCourseRole(deps.db, courseId, username, role, deps.now());
  if (!outcome.courseFound) throw courseNotFound(courseId);
  if (!outcome.userFound) throw userNotFound(username);
  return { created: outcome.created, role: { course_id: courseId, username, role } };
}

export async function revokeCourseRole(deps: Deps, courseId: string, username: string, role: CourseRole) {
  const outcome = await deleteCourseRole(deps.db, courseId, username, role);
  if (!outcome.courseFound) throw courseNotFound(courseId);
  if (!outcome.userFound) throw userNotFound(username);
  if (!outcome.deleted) {
    throw developerError(404, 'role_not_found', `User "${username}" has no role "${role}" on "${courseId}".`);
  }
}
