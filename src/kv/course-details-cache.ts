import type { Deps } from '../context';

/**
 * Course enrollment details in KV (enrollment-api.md §14): key
 * `enrollment.course.details.<course_id>.<True|False>` (the flag is the parsed include_expired),
 * TTL `ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT` (KV's minimum is 60 s, so 1–59 act as 60; 0 disables).
 *
 * KV is eventually consistent: a provisioning write deletes both keys at once, which the location
 * that handled the write sees on its next read, but other locations may keep serving their cached
 * copy until it expires — so a change shows everywhere within at most the TTL (60 s by default),
 * plus KV's own propagation delay (up to ~60 s). KV failures are logged and ignored.
 */
const KV_MIN_TTL_SECONDS = 60;

export const courseDetailsKey = (courseId: string, includeExpired: boolean) =>
  `enrollment.course.details.${courseId}.${includeExpired ? 'True' : 'False'}`;

export async function readCachedCourseDetails(deps: Deps, courseId: string, includeExpired: boolean) {
  if (deps.config.ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT === 0) return null;
  try {
    return await deps.kv.get(courseDetailsKey(courseId, includeExpired));
  } catch (error) {
    console.error(JSON.stringify({ kv: 'read failed', courseId, error: String(error) }));
    return null;
  }
}

/** Stores the serialized details after the response is sent. */
export function cacheCourseDetails(deps: Deps, courseId: string, includeExpired: boolean, json: string): void {
  const timeout = deps.config.ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT;
  if (timeout === 0) return;
  deps.background(
    deps.kv.put(courseDetailsKey(courseId, includeExpired), json, {
      expirationTtl: Math.max(KV_MIN_TTL_SECONDS, timeout),
    }),
  );
}

/** Drops both cached variants of a course at once (awaited: the next read here must miss). */
export async function invalidateCourseDetails(deps: Deps, courseId: string): Promise<void> {
  try {
    await Promise.all([
      deps.kv.delete(courseDetailsKey(courseId, true)),
      deps.kv.delete(courseDetailsKey(courseId, false)),
    ]);
  } catch (error) {
    console.error(JSON.stringify({ kv: 'invalidate failed', courseId, error: String(error) }));
  }
}
