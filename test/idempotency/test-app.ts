import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { authenticate } from '../../src/auth/auth.middleware';
import type { AppEnv } from '../../src/context';
import { createDb } from '../../src/db/client';
import { idempotencyKeys } from '../../src/idempotency/idempotency.middleware';
import { serviceStyle } from '../../src/lib/input-styles';
import { route, SECURITY } from '../../src/lib/route';
import { renderError } from '../../src/middleware/render-error';
import { requestContext } from '../../src/middleware/request-context';
import { accountFromClaims } from '../../src/users/users.service';

/**
 * An app of one JWT write route `POST <path>` (body `{"prefix"}`), mounted behind the request
 * context and the Idempotency-Key middleware as the real routes are, for writes the service has no
 * route for (one that fails after writing, each form of statement).
 */
export function keyedWriteApp(path: string, handle: (c: Context<AppEnv>, prefix: string) => Promise<Response>) {
  const app = new OpenAPIHono<AppEnv>();
  app.use('*', requestContext({ syncUser: accountFromClaims, openDb: createDb, now: Date.now }));
  app.use('*', idempotencyKeys);
  route(app, {
    method: 'post',
    path,
    summary: 'test',
    tags: ['test'],
    security: SECURITY.jwt,
    middleware: [authenticate()],
    request: { body: { schema: z.object({ prefix: z.string() }) } },
    responses: {},
    input: serviceStyle,
    handler: (c, { body }) => handle(c, body.prefix),
  });
  app.onError((error, c) => renderError(c, error));
  return app;
}
