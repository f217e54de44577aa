import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, newCourseId, provisionCourse, provisionUser } from '../helpers/provisioning-api';
import { call, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

let courseId: string;
let username: string;

beforeAll(async () => {
  courseId = await provisionCourse();
  username = await provisionUser();
});

/** Every endpoint with a request that succeeds for an allowed caller (bodies are valid). */
const endpoints = () => [
  { name: 'PUT user', method: 'PUT', path: `/users/${unique('sec')}`, json: { email: 'sec@example.com' } },
  { name: 'GET user', method: 'GET', path: `/users/${username}` },
  { name: 'PUT retirement', method: 'PUT', path: `/users/${username}/retirement`, json: {} },
  {
    name: 'PUT course',
    method: 'PUT',
    path: `/courses/${newCourseId()}`,
    json: {
      course_name: 'x',
      course_start: null,
      course_end: null,
      enrollment_start: null,
      enrollment_end: null,
      modes: [],
    },
  },
  { name: 'GET course', method: 'GET', path: `/courses/${courseId}` },
  { name: 'DELETE course', method: 'DELETE', path: `/courses/${newCourseId()}` },
  { name: 'PUT role', method: 'PUT', path: `/courses/${courseId}/roles/${username}`, json: { role: 'staff' } },
  { name: 'DELETE role', method: 'DELETE', path: `/courses/${courseId}/roles/${username}/instructor` },
  { name: 'PUT embargo', method: 'PUT', path: `/courses/${courseId}/embargo`, json: { blocked_countries: [] } },
  { name: 'GET audit', method: 'GET', path: `/audit/manual-enrollments?course_id=${encodeURIComponent(courseId)}` },
];

describe('provisioning API access', () => {
  it.each(endpoints().map((e) => [e.name, e.method, e.path] as const))(
    '%s: anonymous → 401 in the service error shape',
    async (_name, method, path) => {
      const res = await call(`${ADMIN}${path}`, { method, json: method === 'GET' ? undefined : {} });
      expect(res.status).toBe(401);
      expect(res.headers.get('Content-Type')).toBe('application/json');
      expect(res.headers.get('WWW-Authenticate')).toBe('JWT realm="api"');
      expect(res.body).toEqual({
        error_code: 'not_authenticated',
        developer_message: 'Authentication credentials were not provided.',
      });
    },
  );

  const refused = [
    ['learner JWT', () => jwtHeader(unique('learner'))],
    ['superuser who is not staff', async () => jwtHeader(await provisionUser(unique('root'), { is_superuser: true }))],
    [
      'restricted application with administrator claim',
      () => jwtHeader(unique('app'), { administrator: true, isRestricted: true, filters: ['content_org:ProvX'] }),
    ],
    ['wrong API key', async () => ({ 'X-Edx-Api-Key': 'nope' })],
  ] as const;

  for (const [who, headers] of refused) {
    it(`${who} → 401/403 on every endpoint, nothing changes`, async () => {
      for (const e of endpoints()) {
        const res = await call(`${ADMIN}${e.path}`, { method: e.method, headers: await headers(), json: e.json });
        const expected = who === 'wrong API key' ? 401 : 403;
        expect(res.status, `${e.name}: ${res.text}`).toBe(expected);
        if (expected === 403) {
          expect(res.body).toEqual({
            error_code: 'forbidden',
            developer_message: 'You do not have permission to perform this action.',
          });
        }
      }
      const course = await call(`${ADMIN}/courses/${courseId}`, { headers: apiKeyHeader });
      expect(course.status).toBe(200);
    });
  }

  it('a bad JWT is 401 even with a valid API key', async () => {
    const res = await call(`${ADMIN}/courses/${courseId}`, {
      headers: { ...apiKeyHeader, Authorization: 'JWT not-a-token' },
    });
    expect(res.status).toBe(401);
    expect(res.body.error_code).toBe('not_authenticated');
  });

  const allowed = [
    ['API key', async () => apiKeyHeader],
    ['global staff JWT', () => jwtHeader(unique('staff'), { administrator: true })],
  ] as const;

  for (const [who, headers] of allowed) {
    it(`${who} is let through on every endpoint`, async () => {
      for (const e of endpoints()) {
        const res = await call(`${ADMIN}${e.path}`, { method: e.method, headers: await headers(), json: e.json });
        expect([200, 201, 204, 404], `${e.name}: ${res.status} ${res.text}`).toContain(res.status);
      }
    });
  }

  it('wrong methods are 405 with Allow, before authentication', async () => {
    const cases = [
      ['POST', `/courses/${courseId}`, ['GET', 'PUT', 'DELETE']],
      ['GET', `/courses/${courseId}/embargo`, ['PUT']],
      ['POST', '/courses/edX/DemoX/2014/embargo', ['PUT']],
      ['GET', `/courses/${courseId}/roles/bob`, ['PUT']],
      ['DELETE', '/users/bob', ['GET', 'PUT']],
      ['POST', '/audit/manual-enrollments', ['GET']],
    ] as const;
    for (const [method, path, allow] of cases) {
      const res = await call(`${ADMIN}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('Content-Type')).toBe('application/json');
      for (const m of allow) expect(res.headers.get('Allow')).toContain(m);
    }
  });

  it('unknown paths under the prefix are 404 JSON, not 401', async () => {
    const res = await call(`${ADMIN}/organizations-nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('Content-Type')).toBe('application/json');
  });
});
