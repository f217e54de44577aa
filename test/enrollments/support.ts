import { expect } from 'vitest';
import type { Course, ModeInput } from '../helpers/fixtures';
import { call } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

/** Shared expectations of the Enrollment API v1 tests (docs/api/enrollments.md). */
export const API = '/api/enrollment/v1';

export const MODE_KEYS = [
  'slug',
  'name',
  'min_price',
  'suggested_prices',
  'currency',
  'expiration_datetime',
  'description',
  'sku',
  'bulk_sku',
];
export const DETAILS_KEYS = [
  'course_id',
  'course_name',
  'enrollment_start',
  'enrollment_end',
  'course_start',
  'course_end',
  'invite_only',
  'pacing_type',
  'course_modes',
];
export const ENROLLMENT_KEYS = ['created', 'mode', 'is_active', 'course_details', 'user'];

export const FORBIDDEN = { detail: 'You do not have permission to perform this action.' };
export const NOT_AUTHENTICATED = { detail: 'Authentication credentials were not provided.' };
export const NOT_FOUND = { detail: 'Not found.' };

export const DEFAULT_AUDIT_MODE = {
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

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;
export const past = (ms = DAY) => Date.now() - ms;
export const future = (ms = 365 * DAY) => Date.now() + ms;

/** The wire datetime (docs/api/enrollments.md#callers), computed independently of the service's formatter. */
export function iso(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  const text = new Date(ms).toISOString();
  return ms % 1000 === 0 ? `${text.slice(0, 19)}Z` : `${text.slice(0, 23)}000Z`;
}

/** A course id as it goes into a path: `+` as `%2B` (the form upstream clients send). */
export const pathId = (courseId: string) => courseId.replaceAll('+', '%2B');

export const learner = (username: string) => jwtHeader(username);
export const globalStaff = (username: string) => jwtHeader(username, { administrator: true });
export const apiKey = apiKeyHeader;

export function expectJson(res: { headers: Headers }) {
  expect(res.headers.get('Content-Type')).toBe('application/json');
}

/** The mode object the service must render for a seeded mode (docs/api/enrollments.md#mode-object). */
export function modeJson(mode: ModeInput & { name: string }) {
  return {
    slug: mode.slug,
    name: mode.name,
    min_price: mode.minPrice ?? 0,
    suggested_prices: mode.suggestedPrices ?? '',
    currency: mode.currency ?? 'usd',
    expiration_datetime: iso(mode.expirationAt ?? null),
    description: mode.description ?? null,
    sku: mode.sku ?? null,
    bulk_sku: mode.bulkSku ?? null,
  };
}

/** Course details (docs/api/enrollments.md#course-details-object) for a seeded course; expired modes only when asked (#modes). */
export function detailsJson(course: Course, { includeExpired = false, now = Date.now() } = {}) {
  const shown = course.modes.filter((m) => includeExpired || m.expirationAt === null || m.expirationAt >= now);
  return {
    course_id: course.id,
    course_name: course.courseName,
    enrollment_start: iso(course.enrollmentStart),
    enrollment_end: iso(course.enrollmentEnd),
    course_start: iso(course.courseStart),
    course_end: iso(course.courseEnd),
    invite_only: course.inviteOnly,
    pacing_type: course.selfPaced ? 'Self Paced' : 'Instructor Paced',
    course_modes: shown.length ? shown.map(modeJson) : [DEFAULT_AUDIT_MODE],
  };
}

export interface EnrollBody {
  course_details?: unknown;
  user?: unknown;
  email?: unknown;
  mode?: unknown;
  is_active?: unknown;
  enrollment_attributes?: unknown;
  cohort?: unknown;
  email_opt_in?: unknown;
  force_enrollment?: unknown;
  [key: string]: unknown;
}

/** E5: POST /enrollment. */
export const postEnrollment = (json: unknown, headers: Record<string, string> = {}) =>
  call(`${API}/enrollment`, { method: 'POST', json, headers });

export const body = (courseId: string, extra: EnrollBody = {}): EnrollBody => ({
  course_details: { course_id: courseId },
  ...extra,
});

export const enrollmentError = (username: string, courseId: string) => ({
  message: `An error occurred while creating the new course enrollment for user '${username}' in course '${courseId}'`,
});

export const modeUnavailableMessage = (mode: string, courseId: string) =>
  `The [${mode}] course mode is expired or otherwise unavailable for course run [${courseId}].`;
