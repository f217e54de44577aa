import { describe, expect, it } from 'vitest';
import { createApp, mountAllDomains } from '../../src/app';
import { call } from '../helpers/request';

// What integrators rely on in /openapi.json and /docs. The Redocly lint of the same document runs in
// Node (scripts/check-openapi.mjs); the page itself is exercised in Chromium (test/browser).

interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string; example?: string; schema?: { example?: string } }[];
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
type Paths = Record<string, Record<string, Operation>>;

/** Routes that are infrastructure, not API: not in the document. */
const UNDOCUMENTED = new Set(['/health', '/openapi.json', '/docs']);
/** Path values for parameters that document no example. */
const SAMPLE_PARAMS: Record<string, string> = {
  course_id: 'course-v1:edX+DemoX+Demo_Course',
  username: 'bob',
  role: 'staff',
  program_uuid: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
};

/** Hono's `/a/:id{re}/b` as an anchored regex over a concrete path. */
function honoPathRegex(path: string): RegExp {
  const source = path
    .split(/(:[A-Za-z_]+(?:\{(?:[^{}]|\{[^{}]*\})+\})?)/)
    .map((part) => {
      const param = /^:[A-Za-z_]+(?:\{(.+)\})?$/.exec(part);
      if (param) return `(?:${param[1] ?? '[^/]+'})`;
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}/?$`);
}

function concretePath(documented: string, op: Operation): string {
  const example = (name: string) => {
    const param = op.parameters?.find((p) => p.in === 'path' && p.name === name);
    return param?.example ?? param?.schema?.example;
  };
  return documented.replace(
    /\{([^}]+)\}/g,
    (_, name: string) => example(name) ?? SAMPLE_PARAMS[name] ?? `sample-${name}`,
  );
}

async function fetchDocument() {
  const res = await call('/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('Content-Type')).toBe('application/json');
  return res.body as { openapi: string; paths: Paths; components: Record<string, Record<string, unknown>> } & Record<
    string,
    unknown
  >;
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with a relative server, described tags and both security schemes', async () => {
    const doc = await fetchDocument();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
    const tags = doc.tags as { name: string; description?: string }[];
    expect(tags.map((t) => t.name)).toEqual(expect.arrayContaining(['Enrollment API', 'Bulk enrollment', 'Cohorts']));
    expect(tags.filter((t) => !t.description)).toEqual([]);
    const schemes = doc.components.securitySchemes as Record<string, Record<string, string>>;
    expect(schemes.JwtAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(schemes.JwtAuth?.description).toContain('`JWT <token>`');
    expect(schemes.JwtAuth?.description).toContain('`Bearer <token>`');
    expect(schemes.ApiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Edx-Api-Key' });
    expect(schemes.JwtCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'edx-jwt-cookie-header-payload' });
    expect(schemes.JwtCookieSignature).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'edx-jwt-cookie-signature',
    });
    expect(schemes.UseJwtCookie).toMatchObject({ type: 'apiKey', in: 'header', name: 'USE-JWT-COOKIE' });
  });

  it('documents every API route the app serves, and nothing it does not', async () => {
    const { paths } = await fetchDocument();
    const served = (await mountAllDomains(createApp())).routes
      // Middleware (`ALL`, or the write-only ones on `/*`) is no route.
      .filter((r) => r.method !== 'ALL' && r.path !== '/*' && !UNDOCUMENTED.has(r.path))
      .map((r) => ({ method: r.method.toLowerCase(), path: r.path, regex: honoPathRegex(r.path) }));
    const documented = Object.entries(paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ method, path, concrete: concretePath(path, op) })),
    );
    const undocumented = served.filter(
      (route) => !documented.some((op) => op.method === route.method && route.regex.test(op.concrete)),
    );
    expect(undocumented.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    const unserved = documented.filter(
      (op) => !served.some((route) => route.method === op.method && route.regex.test(op.concrete)),
    );
    expect(unserved.map((op) => `${op.method} ${op.path}`)).toEqual([]);
  });

  it('gives each operation an id, summary, tag, security, a 2xx answer and error schemas', async () => {
    const { paths } = await fetchDocument();
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect(op.operationId, where).toMatch(/^[a-z]+[A-Za-z0-9]+$/);
        expect(ids.has(op.operationId ?? ''), `${where}: duplicate operationId`).toBe(false);
        ids.add(op.operationId ?? '');
        expect(op.summary, where).toBeTruthy();
        expect(op.tags?.length, where).toBeGreaterThan(0);
        expect(op.security?.length, where).toBeGreaterThan(0);
        const statuses = Object.keys(op.responses);
        expect(
          statuses.some((s) => s.startsWith('2')),
          where,
        ).toBe(true);
        const errors = statuses.filter((s) => /^[45]/.test(s));
        expect(errors, where).toContain('500');
        for (const status of errors) {
          expect(op.responses[status]?.content?.['application/json']?.schema, `${where} ${status}`).toBeDefined();
        }
      }
    }
  });

  it('writes regex patterns as plain ECMA-262 (zod-to-openapi leaves `/u` on them)', async () => {
    const patterns: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'pattern' && typeof value === 'string') patterns.push(value);
          else walk(value);
        }
      }
    };
    walk(await fetchDocument());
    expect(patterns).toContain('^[\\p{L}\\p{N}_.@+-]{1,150}$');
    for (const pattern of patterns) {
      expect(pattern).not.toMatch(/\/[dgimsuvy]+$/);
      expect(() => new RegExp(pattern, 'u'), pattern).not.toThrow();
    }
  });

  it('carries the seeded demo data as examples', async () => {
    const { paths, components } = await fetchDocument();
    const schemas = components.schemas as Record<string, { example?: Record<string, unknown> }>;
    expect(schemas.CourseEnrollmentDetails?.example).toMatchObject({
      course_id: 'course-v1:edX+DemoX+Demo_Course',
      course_name: 'Demonstration Course',
    });
    expect(schemas.Enrollment?.example).toMatchObject({ user: 'bob', mode: 'audit' });
    expect(schemas.BulkEnrollRequest?.example).toMatchObject({ dry_run: true });
    const courseDetails = paths['/api/enrollment/v1/course/{course_id}']?.get as unknown as {
      parameters: { name: string; schema: { example?: string } }[];
    };
    expect(courseDetails.parameters.find((p) => p.name === 'course_id')?.schema.example).toBe(
      'course-v1:edX+DemoX+Demo_Course',
    );
  });
});

describe('/docs', () => {
  it('is Swagger UI over /openapi.json with only this server’s assets', async () => {
    const res = await call('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/html/);
    const html = res.text;
    expect(html).toContain("url: '/openapi.json'");
    expect(html).toContain('href="/vendor/swagger-ui-dist/swagger-ui.css"');
    expect(html).toContain('src="/vendor/swagger-ui-dist/swagger-ui-bundle.js"');
    expect(html).toContain("validatorUrl: 'none'");
    expect(html.match(/(?:src|href)="[^"]*"/g)?.filter((ref) => /^(?:src|href)="(?:https?:)?\/\//.test(ref))).toEqual(
      [],
    );
  });
});
