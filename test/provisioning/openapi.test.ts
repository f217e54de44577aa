import { describe, expect, it } from 'vitest';
import { call } from '../helpers/request';

describe('OpenAPI document', () => {
  it('documents every provisioning and cohorts route with its request schemas', async () => {
    const res = await call('/openapi.json');
    expect(res.status).toBe(200);
    const paths = res.body.paths as Record<string, Record<string, { requestBody?: unknown; parameters?: unknown[] }>>;
    const expected: Record<string, string[]> = {
      '/api/admin/v1/users/{username}': ['get', 'put'],
      '/api/admin/v1/users/{username}/retirement': ['put'],
      '/api/admin/v1/courses/{course_id}': ['delete', 'get', 'put'],
      '/api/admin/v1/courses/{course_id}/embargo': ['put'],
      '/api/admin/v1/courses/{course_id}/roles/{username}': ['put'],
      '/api/admin/v1/courses/{course_id}/roles/{username}/{role}': ['delete'],
      '/api/admin/v1/audit/manual-enrollments': ['get'],
      '/api/cohorts/v1/courses/{course_id}/cohorts': ['get', 'post'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      expect(Object.keys(paths[path] ?? {}).sort(), path).toEqual(methods);
    }
    expect(paths['/api/admin/v1/courses/{course_id}']?.put?.requestBody).toBeDefined();
    const schemas = res.body.components.schemas;
    expect(Object.keys(schemas.ProvisionedCourseInput.properties)).toContain('modes');
    expect(schemas.ProvisionedCourseInput.required).toEqual(
      expect.arrayContaining(['course_name', 'course_start', 'modes']),
    );
    expect(Object.keys(schemas.Cohort.properties).sort()).toEqual(
      ['assignment_type', 'group_id', 'id', 'name', 'user_count', 'user_partition_id'].sort(),
    );
  });
});
