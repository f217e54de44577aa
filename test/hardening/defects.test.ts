import { describe, expect, it } from 'vitest';
import { ADMIN, courseBody, newCourseId, provisionCourse, provisionUser } from '../helpers/provisioning-api';
import { call } from '../helpers/request';
import { apiKeyHeader } from '../helpers/tokens';

/**
 * Defects the hardening suite found, each as its smallest reproduction (they fail until fixed in
 * src/). The others live where they were found: test/hardening/concurrency.test.ts (bulk audit trail
 * under concurrent enroll/unenroll) and test/hardening/throttle-load.test.ts (an isolate's burst is
 * never folded into KV).
 */
describe('provisioning: `/courses/{course_id}` routes swallow longer paths', { timeout: 30_000 }, () => {
  // The course routes (src/provisioning/courses.routes.ts) use COURSE_ID_PARAM, an alternation
  // `[^/]+|…` that is not anchored at its end, so `/courses/<id>/<anything>` also matches
  // `/courses/:course_id` for the methods no earlier route claims. Found by the authorization
  // matrix (every learner-record PUT as global staff / API key answered 400 with course field errors).

  it('DELETE /courses/{id}/roles/{username} (role segment missing) must not delete the course', async () => {
    const courseId = await provisionCourse(newCourseId('DefectX'));
    const username = await provisionUser();
    const res = await call(`${ADMIN}/courses/${courseId}/roles/${username}`, {
      method: 'DELETE',
      headers: apiKeyHeader,
    });
    expect([404, 405]).toContain(res.status); // actual: 204
    expect((await call(`${ADMIN}/courses/${courseId}`, { headers: apiKeyHeader })).status).toBe(200); // actual: 404, gone
  });

  it('PUT /courses/{id}/grades/{username} stores a grade (not a course upsert)', async () => {
    const courseId = await provisionCourse(newCourseId('DefectX'));
    const username = await provisionUser();
    const res = await call(`${ADMIN}/courses/${courseId}/grades/${username}`, {
      method: 'PUT',
      headers: apiKeyHeader,
      json: { percent: 0.75, letter_grade: 'B', passed: true },
    });
    expect(res.status, res.text).toBe(201); // actual: 400 {"field_errors": {"course_name": …, "modes": …}}
  });

  it('PUT /courses/{id}/certificates/{username} with a course body does not overwrite the course', async () => {
    const courseId = await provisionCourse(newCourseId('DefectX'));
    const username = await provisionUser();
    const res = await call(`${ADMIN}/courses/${courseId}/certificates/${username}`, {
      method: 'PUT',
      headers: apiKeyHeader,
      json: courseBody({ course_name: 'Hijacked' }),
    });
    expect(res.status).toBe(400); // a certificate body is required; actual: 200, the course replaced
    const course = await call(`${ADMIN}/courses/${courseId}`, { headers: apiKeyHeader });
    expect(course.body.course_name).toBe('Provisioned course');
  });

  it('GET /courses/{id}/anything/else is 404 (or 405), not the course', async () => {
    const courseId = await provisionCourse(newCourseId('DefectX'));
    const res = await call(`${ADMIN}/courses/${courseId}/anything/else`, { headers: apiKeyHeader });
    expect([404, 405]).toContain(res.status); // actual: 200 with the course
  });
});
