import { z } from '@hono/zod-openapi';
import fc from 'fast-check';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { registerOpenApiDocument } from '../../src/api-docs';
import type { AppEnv } from '../../src/context';
import { OpenAPIHono, schemaAsIs } from '../../src/lib/zod-openapi-runtime';

// The deployed bundle replaces @hono/zod-openapi with src/lib/zod-openapi-runtime.ts and the
// document's generator with src/openapi-prebuilt.ts (wrangler.toml [alias]); scripts/check-bundle.mjs
// serves every operation's happy path from that bundle. Here: what the stand-ins promise.

const SCHEMAS = {
  text: z.string().min(2).max(10),
  course: z.object({ course_id: z.string().regex(/^course-v1:/), mode: z.enum(['audit', 'verified']).optional() }),
  page: z.coerce.number().int().min(1).max(100),
  list: z.array(z.string().email()).min(1),
};

describe('the document-free .openapi()', () => {
  it('hands back the schema itself', () => {
    for (const schema of Object.values(SCHEMAS)) expect(schemaAsIs.call(schema)).toBe(schema);
  });

  it('validates as the documented copy the real .openapi() returns, on any input', () => {
    const input = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constantFrom('2', '50', 'course-v1:x', 'a@b.co'),
      fc.record({ course_id: fc.oneof(fc.string(), fc.constant('course-v1:A+B+C')), mode: fc.string() }),
      fc.array(fc.oneof(fc.string(), fc.constant('x@example.com'))),
    );
    for (const schema of Object.values(SCHEMAS)) {
      const documented = schema.openapi({ description: 'documented', example: 'x' });
      const asIs = schemaAsIs.call(schema) as typeof schema;
      fc.assert(
        fc.property(input, (value) => {
          expect(asIs.safeParse(value)).toEqual(documented.safeParse(value));
        }),
      );
    }
  });
});

describe('the document-free OpenAPIHono', () => {
  it('routes as a Hono app, and its registry records nothing', async () => {
    const router = new OpenAPIHono<AppEnv>();
    router.get('/ping', (c) => c.json({ pong: true }));
    router.openAPIRegistry.registerPath({ method: 'get', path: '/ping', responses: {} });
    const app = new Hono().route('/v1', router);
    const res = await app.request('/v1/ping');
    expect(await res.json()).toEqual({ pong: true });
    expect(router.openAPIRegistry.definitions).toEqual([]);
  });
});

describe('/openapi.json in a build without the generator', () => {
  it('answers 404 naming the static file that was not built, and loads no domain', async () => {
    const app = new Hono<AppEnv>();
    let loaded = false;
    const sources = async () => {
      loaded = true;
      return () => {};
    };
    registerOpenApiDocument(app, sources, () => import('../../src/openapi-prebuilt'));
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      error_code: 'not_found',
      developer_message: expect.stringContaining('public/openapi.json'),
    });
    expect(loaded).toBe(false);
  });
});
