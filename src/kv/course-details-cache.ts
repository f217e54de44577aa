import type { Deps } from '../context';
import { isolateState } from '../lib/isolate-state';

/**
 * Course enrollment details in KV (docs/api/enrollments.md#course-details-cache): key
 * `enrollment.course.details.<course_id>.<True|False>` (the flag is the parsed include_expired),
 * TTL `ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT` (KV's minimum is 60 s, so 1–59 act as 60; 0 disables).
 *
 * KV is eventually consistent: a provisioning write deletes both keys at once, which the location
 * that handled the write sees on its next read, but other locations may keep serving their cached
 * copy until it expires — so a change shows everywhere within at most the TTL (60 s by default),
 * plus KV's own propagation delay (up to ~60 s). KV failures are logged and ignored.
 */
const KV_MIN_TTL_SECONDS = 60;

/**
 * In-isolate layer in front of KV: a local KV read costs far more than the rest of a hit, so an
 * isolate keeps what it read or computed for at most ISOLATE_TTL_MS. Staleness bound: a provisioning
 * write drops the entry at once in the isolate that handled it; other isolates may serve the old
 * copy for up to 5 s more than KV alone would (so at most TTL + KV propagation + 5 s overall).
 */
const ISOLATE_TTL_MS = 5_000;
const MAX_ISOLATE_ENTRIES = 1_000;
const isolateCopies = isolateState(new Map<string, { json: string; expiresAt: number }>());

function remember(key: string, json: string, now: number): void {
  if (isolateCopies.size >= MAX_ISOLATE_ENTRIES) isolateCopies.clear();
  isolateCopies.set(key, { json, expiresAt: now + ISOLATE_TTL_MS });
}

export const courseDetailsKey = (courseId: string, includeExpired: boolean) =>
  `enrollment.course.details.${courseId}.${includeExpired ? 'True' : 'False'}`;

/** This isolate's copy, if still fresh: no await, no KV (the hot path of a cache hit). */
export function isolateCopyOfCourseDetails(deps: Deps, courseId: string, includeExpired: boolean): string | null {
  if (deps.config.ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT === 0) return null;
  const local = isolateCopies.get(courseDetailsKey(courseId, includeExpired));
  return local && local.expiresAt > deps.now() ? local.json : null;
}

/** KV's copy, remembered in the isolate (ask `isolateCopyOfCourseDetails` first). */
export async function readKvCourseDetails(deps: Deps, courseId: string, includeExpired: boolean) {
  if (deps.config.ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT === 0) return null;
  const key = courseDetailsKey(courseId, includeExpired);
  const now = deps.now();
  try {
    const json = await deps.kv.get(key);
    if (json !== null) remember(key, json, now);
    return json;
  } catch (error) {
    console.error(JSON.stringify({ kv: 'read failed', courseId, error: String(error) }));
    return null;
  }
}

/** Stores the serialized details after the response is sent. */
export function cacheCourseDetails(deps: Deps, courseId: string, includeExpired: boolean, json: string): void {
  const timeout = deps.config.ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT;
  if (timeout === 0) return;
  const key = courseDetailsKey(courseId, includeExpired);
  remember(key, json, deps.now());
  deps.background(
    deps.kv.put(key, json, {
      expirationTtl: Math.max(KV_MIN_TTL_SECONDS, timeout),
    }),
  );
}

/** Drops both cached variants of a course at once (awaited: the next read here must miss). */
export async function invalidateCourseDetails(deps: Deps, courseId: string): Promise<void> {
  isolateCopies.delete(courseDetailsKey(courseId, true));
  isolateCopies.delete(courseDetailsKey(courseId, false));
  try {
    await Promise.all([
      deps.kv.delete(courseDetailsKey(courseId, true)),
      deps.kv.delete(courseDetailsKey(courseId, false)),
    ]);
  } catch (error) {
    console.error(JSON.stringify({ kv: 'invalidate failed', courseId, error: String(error) }));
  }
}
