import { env } from 'cloudflare:test';
import { body } from '../enrollments/support';
import { auditRows, type Course, createCourse, createUser, enrollmentRows, type User } from '../helpers/fixtures';
import { type CallOptions, call, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';

// Shared pieces of the Idempotency-Key tests (docs/api/idempotency.md).

export const ENROLL = '/api/enrollment/v1/enrollment';

export const newKey = () => unique('key-');

export const keyed = (key: string, headers: Record<string, string>) => ({ ...headers, 'Idempotency-Key': key });

/** A learner enrolling themselves in a fresh course (E5 POST). */
export async function learnerAndCourse(): Promise<{ user: User; course: Course; headers: Record<string, string> }> {
  const user = await createUser({ username: unique('idem') });
  const course = await createCourse({ name: 'Idempotency' });
  return { user, course, headers: await jwtHeader(user.username) };
}

export const enrollCall = (course: Course, headers: Record<string, string>, extra: CallOptions = {}) =>
  call(ENROLL, { method: 'POST', json: body(course.id), headers, ...extra });

/** Events the triggers wrote about a course run (docs/events.md). */
export async function eventsOf(courseId: string): Promise<{ type: string }[]> {
  const { results } = await env.DB.prepare('select type from events where course_key = ? order by seq')
    .bind(courseId)
    .all<{ type: string }>();
  return results;
}

/** A course run's enrollment rows, audit records and events, as counts. */
export async function effects(courseId: string) {
  return {
    enrollments: (await enrollmentRows(courseId)).length,
    audit: (await auditRows(courseId)).length,
    events: (await eventsOf(courseId)).length,
  };
}

export async function keyRows(key: string) {
  const { results } = await env.DB.prepare('select * from idempotency_keys where idempotency_key = ?')
    .bind(key)
    .all<Record<string, unknown>>();
  return results;
}
