import type { z } from '@hono/zod-openapi';
import { formatDateTime } from '../lib/datetime';
import type { CourseDetailsSchema, ModeSchema } from './enrollments.schemas';

// Pure rules of docs/api/enrollments.md#course-details-object and #modes (which modes a course
// shows, the default mode).

export type ModeView = z.infer<typeof ModeSchema>;
export type CourseDetailsView = z.infer<typeof CourseDetailsSchema>;

export interface StoredMode {
  slug: string;
  name: string;
  minPrice: number;
  suggestedPrices: string;
  currency: string;
  expirationAt: number | null;
  description: string | null;
  sku: string | null;
  bulkSku: string | null;
}

export interface StoredCourse {
  id: string;
  courseName: string;
  org: string;
  courseStart: number | null;
  courseEnd: number | null;
  enrollmentStart: number | null;
  enrollmentEnd: number | null;
  inviteOnly: boolean;
  selfPaced: boolean;
}

export const DEFAULT_MODE: ModeView = {
  slug: 'audit',
  name: 'Audit',
  min_price: 0,
  suggested_prices: '',
  currency: 'usd',
  expiration_datetime: null,
  description: null,
  sku: null,
  bulk_sku: null,
};

export const isExpired = (mode: Pick<StoredMode, 'expirationAt'>, now: number) =>
  mode.expirationAt !== null && mode.expirationAt < now;

export const toModeView = (mode: StoredMode): ModeView => ({
  slug: mode.slug,
  name: mode.name,
  min_price: mode.minPrice,
  suggested_prices: mode.suggestedPrices,
  currency: mode.currency,
  expiration_datetime: formatDateTime(mode.expirationAt),
  description: mode.description,
  sku: mode.sku,
  bulk_sku: mode.bulkSku,
});

/** Shown list (#modes): current modes, expired ones only when asked; never empty (synthesised audit). */
export function shownModes(modes: readonly StoredMode[], includeExpired: boolean, now: number): ModeView[] {
  const shown = modes.filter((m) => includeExpired || !isExpired(m, now)).map(toModeView);
  return shown.length > 0 ? shown : [DEFAULT_MODE];
}

/**
 * The default enrollment mode rule, once (docs/api/enrollments.md#default-mode): the first of these
 * the course currently offers (not expired), else the fallback. `defaultModeSql` in
 * enrollment-writes.repo.ts builds its SQL form from the same two constants.
 */
export const DEFAULT_MODE_PREFERENCE = ['audit', 'honor'] as const;
export const DEFAULT_MODE_FALLBACK = 'audit';

export function defaultModeSlug(modes: readonly StoredMode[], now: number): string {
  const current = new Set(modes.filter((m) => !isExpired(m, now)).map((m) => m.slug));
  return DEFAULT_MODE_PREFERENCE.find((slug) => current.has(slug)) ?? DEFAULT_MODE_FALLBACK;
}

export function isModeAvailable(slug: string, modes: readonly StoredMode[], includeExpired: boolean, now: number) {
  return shownModes(modes, includeExpired, now).some((m) => m.slug === slug);
}

export function courseDetailsView(
  course: StoredCourse,
  modes: readonly StoredMode[],
  includeExpired: boolean,
  now: number,
): CourseDetailsView {
  return {
    course_id: course.id,
    course_name: course.courseName,
    enrollment_start: formatDateTime(course.enrollmentStart),
    enrollment_end: formatDateTime(course.enrollmentEnd),
    course_start: formatDateTime(course.courseStart),
    course_end: formatDateTime(course.courseEnd),
    invite_only: course.inviteOnly,
    pacing_type: course.selfPaced ? 'Self Paced' : 'Instructor Paced',
    course_modes: shownModes(modes, includeExpired, now),
  };
}

/** `include_expired` (#e1, #d2): any non-empty value except 0/false/no/off (case-insensitive). */
export function parseIncludeExpired(value: string | undefined): boolean {
  if (!value) return false;
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
}

/** The enrollment window (#e5-add step 4): null start = −∞, null end = +∞, both bounds exclusive. */
export function isEnrollmentOpen(course: Pick<StoredCourse, 'enrollmentStart' | 'enrollmentEnd'>, now: number) {
  return (
    (course.enrollmentStart === null || course.enrollmentStart < now) &&
    (course.enrollmentEnd === null || now < course.enrollmentEnd)
  );
}
