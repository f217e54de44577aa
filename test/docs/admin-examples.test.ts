import { describe, expect, it } from 'vitest';
import { call } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

// E6–E9's own error answers (src/enrollments/admin.routes.ts) as /docs shows them: each example is
// the body the service answers for that case, not a schema's example of another operation.

interface Operation {
  responses: Record<string, { content?: Record<string, { example?: unknown }> }>;
}
type Doc = { paths: Record<string, Record<string, Operation>> };

const API = '/api/enrollment/v1';
const DEMO = 'course-v1:edX+DemoX+Demo_Course';
const KEY = { email: 'new@example.com', course_id: DEMO };

async function exampleOf(path: string, method: string, status: number) {
  const doc = (await call('/openapi.json')).body as Doc;
  return doc.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.example;
}

describe('the Enrollment API admin operations show their real error bodies', () => {
  it('E9: 400, 404 and 409 of /enrollment_allowed', async () => {
    const staff = await jwtHeader('docs_examples_staff', { administrator: true });
    const allowed = (method: string, json: unknown) =>
      call(`${API}/enrollment_allowed/`, { method, headers: staff, json });
    await allowed('DELETE', KEY);
    const missing = await allowed('DELETE', KEY);
    expect(missing.status).toBe(404);
    expect(await exampleOf(`${API}/enrollment_allowed`, 'delete', 404)).toEqual(missing.body);
    expect((await allowed('POST', KEY)).status).toBe(201);
    const exists = await allowed('POST', KEY);
    expect(exists.status).toBe(409);
    expect(await exampleOf(`${API}/enrollment_allowed`, 'post', 409)).toEqual(exists.body);
    await allowed('DELETE', KEY);
    const invalid = await allowed('POST', { email: 'not-an-email', course_id: DEMO });
    expect(invalid.status).toBe(400);
    expect(await exampleOf(`${API}/enrollment_allowed`, 'post', 400)).toEqual(invalid.body);
    expect(await exampleOf(`${API}/enrollment_allowed`, 'delete', 400)).toEqual(invalid.body);
    // Listing has no input to refuse: no 400 is documented for it.
    expect(await exampleOf(`${API}/enrollment_allowed`, 'get', 400)).toBeUndefined();
  });

  it('E6 400, E7 404 and E8 400', async () => {
    const roles = await call(`${API}/roles/`, { headers: apiKeyHeader });
    expect(roles.status).toBe(400);
    expect(await exampleOf(`${API}/roles`, 'get', 400)).toEqual(roles.body);
    const unenroll = await call(`${API}/unenroll/`, {
      method: 'POST',
      headers: await jwtHeader('retirement_service_worker'),
      json: { username: 'docs_examples_nobody' },
    });
    expect(unenroll.status).toBe(404);
    expect(await exampleOf(`${API}/unenroll`, 'post', 404)).toEqual(unenroll.body);
    const list = await call(`${API}/enrollments/?course_id=not-a-key`, {
      headers: await jwtHeader('docs_examples_staff', { administrator: true }),
    });
    expect(list.status).toBe(400);
    expect(await exampleOf(`${API}/enrollments`, 'get', 400)).toEqual(list.body);
  });
});
