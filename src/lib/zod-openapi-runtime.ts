import type * as ZodOpenApi from '@hono/zod-openapi';
import { type Env, Hono } from 'hono';
import * as zod from 'zod';

// Stands in for @hono/zod-openapi in the deployed bundle (wrangler.toml [alias]): the Worker serves
// `/openapi.json` as a static file built from the real package at build time
// (scripts/build-openapi.mjs, docs/operations.md#start-up), so the bundle carries no document
// generator. What the routes use at run time stays: zod itself, `.openapi()` (documentation only:
// the schema as it is, which validates exactly as the documented copy the real method returns),
// and OpenAPIHono as a Hono app whose registry records nothing. Tests run the real package, and
// test/unit/zod-openapi-runtime.test.ts holds this one to the same answers.

/** `.openapi()` of the document-free build: the schema itself. */
export function schemaAsIs<T>(this: T): T {
  return this;
}
// Only where the real method is absent: in the tests' runtime, which loads the real package, importing
// this module (test/unit/zod-openapi-runtime.test.ts) must not replace it.
const prototype = zod.ZodType.prototype as unknown as { openapi?: unknown };
prototype.openapi ??= schemaAsIs;

type Registry = ZodOpenApi.OpenAPIHono['openAPIRegistry'];

/** Nothing is documented at run time: every registration is dropped, `register` hands its schema back. */
const inertRegistry = {
  definitions: [],
  registerPath() {},
  registerWebhook() {},
  registerComponent() {},
  registerParameter: (_name: string, schema: unknown) => schema,
  register: (_name: string, schema: unknown) => schema,
} as unknown as Registry;

export class OpenAPIHono<E extends Env = Env> extends Hono<E> {
  readonly openAPIRegistry: Registry = inertRegistry;
}

export const z = zod as unknown as typeof ZodOpenApi.z;
