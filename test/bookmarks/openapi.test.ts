import { OpenAPIHono } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { serviceStyle } from '../../src/lib/input-styles';
import { route, SECURITY } from '../../src/lib/route';
import { call } from '../helpers/request';

// docs/api/read-your-writes.md#openapi: the request header (a component) and the response header on
// every operation and answer (route() adds them, so no operation forgets).

interface Operation {
  parameters?: ({ $ref: string } | { name: string; in: string })[];
  responses: Record<string, { headers?: Record<string, unknown> }>;
}

describe('x-d1-bookmark in /openapi.json (#openapi)', () => {
  it('is a component parameter on every operation and a header on every answer', async () => {
    const { body: doc } = await call('/openapi.json');
    expect(doc.components.parameters.D1Bookmark).toMatchObject({
      name: 'x-d1-bookmark',
      in: 'header',
      required: false,
    });
    const operations = Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(operations.length).toBeGreaterThan(40);
    for (const { key, op } of operations) {
      expect(op.parameters, key).toContainEqual({ $ref: '#/components/parameters/D1Bookmark' });
      for (const [status, response] of Object.entries(op.responses)) {
        // Inline and not required: typed clients would make a referenced header required.
        expect(response.headers?.['x-d1-bookmark'], `${key} ${status}`).toMatchObject({
          required: false,
          schema: { type: 'string' },
        });
      }
    }
  });
});

describe('route() and the bookmark documentation', () => {
  it('leaves it out of an operation declared usesD1: false', () => {
    const r = new OpenAPIHono();
    const declare = (path: string, usesD1?: false) =>
      route(r, {
        method: 'get',
        path,
        summary: path,
        tags: ['t'],
        security: SECURITY.anonymous,
        responses: { 200: { description: 'ok' } },
        input: serviceStyle,
        usesD1,
        handler: (c) => c.json({}),
      });
    declare('/with');
    declare('/without', false);
    const doc = r.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } });
    expect(doc.paths?.['/with']?.get?.parameters).toEqual([{ $ref: '#/components/parameters/D1Bookmark' }]);
    expect(doc.paths?.['/with']?.get?.responses?.['200']).toMatchObject({ headers: { 'x-d1-bookmark': {} } });
    expect(doc.paths?.['/without']?.get?.parameters).toBeUndefined();
    expect(doc.paths?.['/without']?.get?.responses?.['200']).toEqual({ description: 'ok' });
  });
});
