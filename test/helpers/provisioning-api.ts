import { call, unique } from './request';
import { apiKeyHeader } from './tokens';

/** Provisioning calls made with the API key, for tests that need users and courses to exist. */
export const ADMIN = '/api/admin/v1';

export const newCourseId = (org = 'ProvX') => `course-v1:${org}+${unique('C')}+R1`;

export const courseBody = (overrides: Record<string, unknown> = {}) => ({
  course_name: 'Provisioned course',
  course_start: '2030-01-01T00:00:00Z',
  course_end: null,
  enrollment_start: null,
  enrollment_end: null,
  modes: [{ slug: 'audit', name: 'Audit' }],
  ...overrides,
});

export async function provisionCourse(courseId = newCourseId(), overrides: Record<string, unknown> = {}) {
  const res = await call(`${ADMIN}/courses/${courseId}`, {
    method: 'PUT',
    headers: apiKeyHeader,
    json: courseBody(overrides),
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`course PUT failed: ${res.status} ${res.text}`);
  return courseId;
}

export async function provisionUser(username = unique('pu'), overrides: Record<string, unknown> = {}) {
  const res = await call(`${ADMIN}/users/${username}`, {
    method: 'PUT',
    headers: apiKeyHeader,
    json: { email: `${username}@example.com`, ...overrides },
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`user PUT failed: ${res.status} ${res.text}`);
  return username;
}

export async function grantRole(courseId: string, username: string, role: 'staff' | 'instructor') {
  const res = await call(`${ADMIN}/courses/${courseId}/roles/${username}`, {
    method: 'PUT',
    headers: apiKeyHeader,
    json: { role },
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`role PUT failed: ${res.status} ${res.text}`);
}
