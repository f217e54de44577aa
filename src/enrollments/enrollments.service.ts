import type { Deps } from '../context';
import { callerUsername, isPrivileged, type Principal } from '../context/principal';
import { cacheCourseDetails, isolateCopyOfCourseDetails, readKvCourseDetails } from '../kv/course-details-cache';
import { groupBy } from '../lib/collections';
import { parseCourseKey } from '../lib/course-key';
import { formatDateTime } from '../lib/datetime';
import { echo } from '../lib/echo';
import { messageError } from '../lib/errors';
import { type CourseDetailsView, courseDetailsView, type StoredCourse, type StoredMode } from './course-modes';
import {
  type EnrollmentRow,
  findActiveEnrollmentsOfUser,
  findCourseWithModes,
  findEnrollmentWithCourse,
} from './enrollments.repo';
import type { EnrollmentSchema } from './enrollments.schemas';

export type EnrollmentView = import('@hono/zod-openapi').z.infer<typeof EnrollmentSchema>;

/**
 * Enrollment object (docs/api/enrollments.md#enrollment-object): course details always fresh and
 * without expired modes.
 */
export function enrollmentView(
  enrollment: Pick<EnrollmentRow, 'createdAt' | 'mode' | 'isActive'>,
  username: string,
  course: StoredCourse,
  modes: readonly StoredMode[],
  now: number,
): EnrollmentView {
  return {
    created: formatDateTime(enrollment.createdAt),
    mode: enrollment.mode,
    is_active: enrollment.isActive,
    course_details: courseDetailsView(course, modes, false, now),
    user: username,
  };
}

/**
 * E1 course details (docs/api/enrollments.md#e1, #course-details-cache): a KV hit answers without
 * touching D1. Returns the JSON text so a hit is passed through as stored.
 */
export async function getCourseDetails(
  deps: Deps,
  courseId: string,
  includeExpired: boolean,
): Promise<{ json: string; cache: 'hit' | 'miss' }> {
  // Only valid course keys are ever cached (the key is the id as given), so a copy in this isolate
  // answers before the key is even parsed.
  const local = isolateCopyOfCourseDetails(deps, courseId, includeExpired);
  if (local !== null) return { json: local, cache: 'hit' };
  const notFound = () => messageError(400, `No course found for course ID '${echo(courseId)}'`);
  const key = parseCourseKey(courseId);
  if (!key) throw notFound();
  const cached = await readKvCourseDetails(deps, key.id, includeExpired);
  if (cached !== null) return { json: cached, cache: 'hit' };
  const { course, modes } = await findCourseWithModes(deps.db, key.id);
  if (!course) throw notFound();
  const json = JSON.stringify(courseDetailsView(course, modes, includeExpired, deps.now()));
  cacheCourseDetails(deps, key.id, includeExpired, json);
  return { json, cache: 'miss' };
}

/** Who may read `username`'s single enrollment (E2/E3): self, API key, global staff. */
export const mayReadEnrollmentOf = (principal: Principal, username: string) =>
  username === callerUsername(principal) || isPrivileged(principal);

/** E2/E3 (docs/api/enrollments.md#e2-e3): the enrollment whatever its state, or null (answered as an empty 200). */
export async function getEnrollment(deps: Deps, username: string, courseId: string): Promise<EnrollmentView | null> {
  const key = parseCourseKey(courseId);
  if (!key) {
    throw messageError(
      400,
      `An error occurred while retrieving enrollments for user '${echo(username)}' in course '${echo(courseId)}'`,
    );
  }
  if (username === '') return null;
  const { enrollment, course, modes } = await findEnrollmentWithCourse(deps.db, username, key.id);
  if (!enrollment || !course) return null;
  return enrollmentView(enrollment, username, course, modes, deps.now());
}

/**
 * E4 (docs/api/enrollments.md#e4): the target's active enrollments, oldest first. Self, global
 * staff and the API key see all of them; anyone else only those of courses they are course staff of
 * (possibly none).
 */
export async function listEnrollments(deps: Deps, principal: Principal, username: string): Promise<EnrollmentView[]> {
  if (username === '') return [];
  const seesAll = username === callerUsername(principal) || isPrivileged(principal);
  const result = await findActiveEnrollmentsOfUser(deps.db, username, seesAll ? null : (principal.user?.id ?? null));
  const courses = new Map(result.courses.map((c) => [c.id, c]));
  const modesByCourse = groupBy(result.modes, (m) => m.courseId);
  const visible = seesAll ? null : new Set(result.staffOf);
  const now = deps.now();
  return result.enrollments.flatMap((enrollment) => {
    const course = courses.get(enrollment.courseId);
    if (!course || (visible && !visible.has(course.id))) return [];
    return [enrollmentView(enrollment, username, course, modesByCourse.get(course.id) ?? [], now)];
  });
}

export type { CourseDetailsView };
