import { env } from 'cloudflare:test';
import { createCourse, createUser, grantRole } from '../helpers/fixtures';
import { call } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

// What the cohorts tests share (docs/api/cohorts.md).

export const COHORTS = '/api/cohorts/v1/courses';
export const cohortPath = (courseId: string, cohortId: number | string) => `${COHORTS}/${courseId}/cohorts/${cohortId}`;
export const usersPath = (courseId: string, cohortId: number | string) => `${cohortPath(courseId, cohortId)}/users`;

export const MEMBERSHIP_CHANGED = 'org.openedx.learning.cohort_membership.changed.v1';

type Headers = Record<string, string>;

export const addUsers = (courseId: string, cohortId: number | string, json: unknown, headers: Headers = apiKeyHeader) =>
  call(usersPath(courseId, cohortId), { method: 'POST', headers, json });

export const removeUser = (
  courseId: string,
  cohortId: number | string,
  username: string,
  headers: Headers = apiKeyHeader,
) => call(`${usersPath(courseId, cohortId)}/${username}`, { method: 'DELETE', headers });

export interface MembershipEvent {
  username: string;
  name: string;
  previous_name: string | null;
}

/** The membership events logged for a course, oldest first. */
export async function membershipEvents(courseId: string): Promise<MembershipEvent[]> {
  const { results } = await env.DB.prepare(
    "select username, json_extract(data, '$.name') as name, json_extract(data, '$.previous_name') as previous_name from events where course_key = ? and type = ? order by seq",
  )
    .bind(courseId, MEMBERSHIP_CHANGED)
    .all<MembershipEvent>();
  return results;
}

/** A course with a member of its course staff, whose JWT headers are returned. */
export async function courseWithStaff() {
  const course = await createCourse();
  const staff = await createUser();
  await grantRole(course.id, staff.id, 'staff');
  return { course, staffHeaders: await jwtHeader(staff.username) };
}
