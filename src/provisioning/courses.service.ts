import type { Deps } from '../context';
import { toModeView } from '../enrollments/course-modes';
import { invalidateCourseDetails } from '../kv/course-details-cache';
import { parseCourseKey } from '../lib/course-key';
import { formatDateTime } from '../lib/datetime';
import { developerError } from '../lib/errors';
import {
  type CourseRow,
  deleteCourseWithoutEnrollments,
  findCourse,
  type ModeRow,
  saveCourse,
  updateBlockedCountries,
} from './courses.repo';

/** A course PUT body after validation (dates already epoch ms, defaults applied). */
export interface CourseInput {
  course_name: string;
  org?: string;
  course_start: number | null;
  course_end: number | null;
  enrollment_start: number | null;
  enrollment_end: number | null;
  invite_only: boolean;
  max_student_enrollments_allowed: number | null;
  self_paced: boolean;
  bulk_email_enabled: boolean;
  modes: ModeInput[];
}

export interface ModeInput {
  slug: string;
  name: string;
  min_price: number;
  suggested_prices: string;
  currency: string;
  expiration_datetime: number | null;
  description: string | null;
  sku: string | null;
  bulk_sku: string | null;
}

/** Mode fields in the order of docs/api/enrollments.md#mode-object, as the Enrollment API shows them. */
const toModeResource = (mode: ModeRow) => toModeView(mode);

export const toCourseResource = (course: CourseRow, modes: ModeRow[]) => ({
  course_id: course.id,
  course_name: course.courseName,
  org: course.org,
  course_start: formatDateTime(course.courseStart),
  course_end: formatDateTime(course.courseEnd),
  enrollment_start: formatDateTime(course.enrollmentStart),
  enrollment_end: formatDateTime(course.enrollmentEnd),
  invite_only: course.inviteOnly,
  max_student_enrollments_allowed: course.maxStudentEnrollmentsAllowed,
  self_paced: course.selfPaced,
  bulk_email_enabled: course.bulkEmailEnabled,
  blocked_countries: course.blockedCountries,
  modes: modes.map(toModeResource),
});

export const courseNotFound = (courseId: string) =>
  developerError(404, 'course_not_found', `No course run with id "${courseId}".`);

/**
 * Upserts a course run and replaces its modes in one atomic D1 batch, then drops its cached
 * enrollment details (awaited, so the next read here misses).
 */
export async function putCourse(deps: Deps, courseId: string, input: CourseInput) {
  const key = parseCourseKey(courseId);
  if (!key)
    throw developerError(400, 'invalid_request', 'Invalid fields: course_id.', {
      course_id: 'Not a valid course key.',
    });
  const course = {
    id: key.id,
    courseName: input.course_name,
    org: input.org ?? key.org,
    courseStart: input.course_start,
    courseEnd: input.course_end,
    enrollmentStart: input.enrollment_start,
    enrollmentEnd: input.enrollment_end,
    inviteOnly: input.invite_only,
    maxStudentEnrollmentsAllowed: input.max_student_enrollments_allowed,
    selfPaced: input.self_paced,
    bulkEmailEnabled: input.bulk_email_enabled,
  };
  const modes = input.modes.map((mode) => ({
    slug: mode.slug,
    name: mode.name,
    minPrice: mode.min_price,
    suggestedPrices: mode.suggested_prices,
    currency: mode.currency,
    expirationAt: mode.expiration_datetime,
    description: mode.description,
    sku: mode.sku,
    bulkSku: mode.bulk_sku,
  }));
  const saved = await saveCourse(deps.db, course, modes, deps.now());
  await invalidateCourseDetails(deps, key.id);
  return { created: saved.created, course: toCourseResource(saved.course, saved.modes) };
}

export async function getCourse(deps: Deps, courseId: string) {
  const found = await findCourse(deps.db, courseId);
  if (!found) throw courseNotFound(courseId);
  return toCourseResource(found.course, found.modes);
}

/**
 * Removes a run that has no enrollments (409 otherwise). Its cohorts and pending allowances are
 * keyed by course id and kept: catalog resyncs may delete and re-push a run, and invitations
 * must survive that (upstream never deletes them with a course either).
 */
export async function deleteCourse(deps: Deps, courseId: string): Promise<void> {
  const outcome = await deleteCourseWithoutEnrollments(deps.db, courseId);
  if (!outcome.found) throw courseNotFound(courseId);
  if (!outcome.deleted) {
    throw developerError(
      409,
      'course_has_enrollments',
      `Course run "${courseId}" has enrollments and cannot be deleted.`,
    );
  }
  await invalidateCourseDetails(deps, courseId);
}

/**
 * Replaces the countries that may not enroll (`[]` lifts the embargo). Always 200: every run has
 * an embargo list, empty by default. Course details do not show it, so the cache is left alone.
 */
export async function putEmbargo(deps: Deps, courseId: string, blockedCountries: string[]) {
  const row = await updateBlockedCountries(deps.db, courseId, blockedCountries, deps.now());
  if (!row) throw courseNotFound(courseId);
  return { course_id: row.id, blocked_countries: row.blockedCountries };
}
