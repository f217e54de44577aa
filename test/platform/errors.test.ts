import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { call } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';

describe('conventions.md#errors and #headers', () => {
  it('answers a wrong method with 405 JSON and Allow before authentication', async () => {
    const res = await call('/api/enrollment/v1/roles/', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('Allow')).toBe('GET, HEAD');
    expect(res.headers.get('Content-Type')).toBe('application/json');
    const course = await call('/api/enrollment/v1/course/course-v1:a+b+c', { method: 'PUT' });
    expect(course.status).toBe(405);
  });

  it('refuses bodies over 1 MiB with 413 JSON', async () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    const res = await call('/api/enrollment/v1/enrollment', {
      method: 'POST',
      headers: { ...(await jwtHeader('big-body')), 'Content-Type': 'application/json' },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(res.body.error_code).toBe('payload_too_large');
  });

  it('answers a body that is not JSON with 400 JSON', async () => {
    const res = await call('/api/enrollment/v1/enrollment', {
      method: 'POST',
      headers: { ...(await jwtHeader('bad-json')), 'Content-Type': 'application/json' },
      body: '{"course_details": ',
    });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/^JSON parse error/);
  });

  it('names a bad configuration variable in a JSON 500', async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request('http://edge.test/health'), { ...env, THROTTLE_USER_RATE: 'lots' }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { field_errors: Record<string, unknown> };
    expect(Object.keys(body.field_errors)).toEqual(['THROTTLE_USER_RATE']);
    expect(res.headers.get('X-Request-Id')).toBeTruthy();
  });

  it('generates a request id when the incoming one is invalid', async () => {
    const res = await call('/health', { headers: { 'X-Request-Id': 'bad id with spaces' } });
    expect(res.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves an OpenAPI 3.1 document with every enrollment route', async () => {
    const res = await call('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const paths = Object.keys(res.body.paths);
    for (const path of [
      '/api/enrollment/v1/course/{course_id}',
      '/api/enrollment/v1/enrollment',
      '/api/enrollment/v1/enrollment/{username},{course_id}',
      '/api/enrollment/v1/enrollment/{course_id}',
      '/api/enrollment/v1/roles',
      '/api/enrollment/v1/unenroll',
      '/api/enrollment/v1/enrollments',
      '/api/enrollment/v1/enrollment_allowed',
    ]) {
      expect(paths).toContain(path);
    }
    expect(Object.keys(res.body.components.securitySchemes)).toEqual([
      'JwtAuth',
      'ApiKey',
      'JwtCookie',
      'JwtCookieSignature',
      'UseJwtCookie',
    ]);
  });
});
