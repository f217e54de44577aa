import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADMIN, courseBody, newCourseId, provisionCourse } from '../helpers/provisioning-api';
import { call } from '../helpers/request';
import { apiKeyHeader } from '../helpers/tokens';

// docs/api/conventions.md#errors: no input, however malformed, yields a 5xx.
describe('provisioning input robustness', () => {
  it('property: any JSON body to the write endpoints is answered below 500', async () => {
    const courseId = await provisionCourse();
    const paths = [
      `/courses/${courseId}`,
      `/courses/${courseId}/embargo`,
      `/courses/${courseId}/roles/nobody`,
      '/users/fuzzed',
      '/users/fuzzed/retirement',
    ];
    const mutated = fc.record(
      {
        course_name: fc.jsonValue(),
        course_start: fc.oneof(fc.string(), fc.constant(null), fc.double()),
        max_student_enrollments_allowed: fc.oneof(fc.double(), fc.integer(), fc.bigInt().map(String)),
        modes: fc.array(
          fc.record(
            { slug: fc.string(), name: fc.string(), min_price: fc.double(), currency: fc.string() },
            { requiredKeys: [] },
          ),
          { maxLength: 3 },
        ),
        email: fc.jsonValue(),
        role: fc.jsonValue(),
        blocked_countries: fc.array(fc.jsonValue(), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.oneof(fc.jsonValue(), mutated), async (path, json) => {
        const res = await call(`${ADMIN}${path}`, { method: 'PUT', headers: apiKeyHeader, json });
        expect(res.status, `${path} ${JSON.stringify(json)} → ${res.text}`).toBeLessThan(500);
        expect(res.headers.get('Content-Type')).toBe('application/json');
      }),
      { numRuns: 60 },
    );
  });

  it('answers odd paths and huge numbers with 4xx JSON', async () => {
    const odd = [
      ['GET', '/users/%E0%A4%A'],
      ['GET', '/users/%ZZ'],
      ['GET', `/users/${'a'.repeat(151)}`],
      ['GET', `/courses/course-v1:${'a'.repeat(300)}+b+c`],
      ['GET', '/courses/%E0%A4%A'],
      ['DELETE', '/courses/course-v1:a+b+c/roles/bob/%ZZ'],
      ['GET', '/audit/manual-enrollments?limit=1e400&course_id=%ZZ'],
    ] as const;
    for (const [method, path] of odd) {
      const res = await call(`${ADMIN}${path}`, { method, headers: apiKeyHeader });
      expect(res.status, `${method} ${path}: ${res.text}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${method} ${path}`).toBeLessThan(500);
      expect(res.headers.get('Content-Type')).toBe('application/json');
    }
    const big = await call(`${ADMIN}/courses/${newCourseId()}`, {
      method: 'PUT',
      headers: apiKeyHeader,
      json: courseBody({
        max_student_enrollments_allowed: 1e300,
        modes: [{ slug: 'a', name: 'A', min_price: 2 ** 60 }],
      }),
    });
    expect(big.status).toBe(400);
    expect(Object.keys(big.body.field_errors).sort()).toEqual(['max_student_enrollments_allowed', 'modes.0.min_price']);
  });
});
