import { describe, expect, it } from 'vitest';
import pkg from '../../package.json';
import { createCourse, createUser } from '../helpers/fixtures';
import { call } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';

// What /docs shows under each answer: Swagger UI prefers the media type's `example`, else builds one
// from the schema (`{"detail": "string"}`), so every shared error answer carries the real body.

interface Media {
  schema?: { $ref?: string };
  example?: unknown;
}
interface Operation {
  security?: Record<string, string[]>[];
  responses: Record<string, { description: string; content?: Record<string, Media> }>;
}
type Doc = { info: { version: string }; paths: Record<string, Record<string, Operation>> };

const document = async () => (await call('/openapi.json')).body as Doc;
const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })),
  );
const example = (op: Operation | undefined, status: string) =>
  op?.responses[status]?.content?.['application/json']?.example;

describe('the reference page', () => {
  it('gives every 401, 403, 413, 429, 500 and `{"detail"}` answer an example of its real body', async () => {
    const missing: string[] = [];
    for (const { where, op } of operations(await document())) {
      for (const [status, response] of Object.entries(op.responses)) {
        const ref = response.content?.['application/json']?.schema?.$ref ?? '';
        // An operation's own 413 (too many records) has its own body; the app-level one is ServiceError.
        const appLevel413 = status === '413' && ref.endsWith('/ServiceError');
        const shared = ['401', '403', '429', '500'].includes(status) || appLevel413 || ref.endsWith('/DetailError');
        if (shared && example(op, status) === undefined) missing.push(`${where} ${status}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('shows the 413 the body limit answers, not a configuration error', async () => {
    const doc = await document();
    const enroll = doc.paths['/api/enrollment/v1/enrollment']?.post;
    const res = await call('/api/enrollment/v1/enrollment', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: `"${'x'.repeat(1024 * 1024 + 1)}"`,
    });
    expect(res.status).toBe(413);
    expect(example(enroll, '413')).toEqual(res.body);
    expect(example(enroll, '500')).toMatchObject({ error_code: 'bad_configuration' });
  });

  it('shows the messages the service answers for 401, 403 and 404', async () => {
    const doc = await document();
    const list = doc.paths['/api/enrollment/v1/enrollment']?.get;
    const anonymous = await call('/api/enrollment/v1/enrollment');
    expect(anonymous.status).toBe(401);
    expect(example(list, '401')).toEqual(anonymous.body);
    expect(example(list, '401')).toEqual({ detail: 'Authentication credentials were not provided.' });
    const app = await jwtHeader('docs_restricted_app', { isRestricted: true });
    const restricted = await call('/api/enrollment/v1/enrollment', { headers: app });
    expect(restricted.status).toBe(403);
    expect(example(list, '403')).toEqual(restricted.body);
    expect(example(list, '403')).toEqual({ detail: 'You do not have permission to perform this action.' });
    const one = doc.paths['/api/enrollment/v1/enrollment/{username},{course_id}']?.get;
    expect(example(one, '404')).toEqual({ detail: 'Not found.' });
    const programs = doc.paths['/api/program_enrollments/v1/programs/{program_uuid}/enrollments']?.get;
    expect(example(programs, '401')).toEqual({ developer_message: 'Authentication credentials were not provided.' });
  });

  it('shows a 406 example that says what its description says', async () => {
    const doc = await document();
    const enroll = doc.paths['/api/enrollment/v1/enrollment']?.post;
    expect(enroll?.responses['406']?.description).toMatch(/does not exist/);
    const learner = await createUser({ username: 'docs_406_caller' });
    const course = await createCourse({ id: 'course-v1:DocX+NoUser+2030' });
    const res = await call('/api/enrollment/v1/enrollment', {
      method: 'POST',
      headers: await jwtHeader(learner.username, { administrator: true }),
      json: { user: 'nobody', course_details: { course_id: course.id } },
    });
    expect(res.status).toBe(406);
    expect(example(enroll, '406')).toEqual(res.body);
  });

  it('shows course details as public: no padlock (Swagger UI: none unless [] or exactly [{}])', async () => {
    const doc = await document();
    expect(doc.paths['/api/enrollment/v1/course/{course_id}']?.get?.security).toEqual([{}]);
    const padlocked = operations(doc).filter(
      ({ op }) => op.security?.some((r) => Object.keys(r).length === 0) && op.security.length !== 1,
    );
    expect(padlocked.map((o) => o.where)).toEqual([]);
  });

  it('carries the package version', async () => {
    expect((await document()).info.version).toBe(pkg.version);
  });
});
