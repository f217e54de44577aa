import { createRoute, z } from '@hono/zod-openapi';
import { jsonContent } from '../lib/http';
import { readObjectBody } from '../middleware/body';
import { createRouter, document, SECURITY } from '../openapi';
import { DetailMessage, ResetBody } from './programs.schemas';
import { staffOrApp } from './request';
import { integrationReset } from './reset.service';

/** §8.2 — wipe an organization's test users and program enrollments (off unless ENABLE_ENROLLMENT_RESET). */
export const programResetRoutes = createRouter();

// Upstream's view has no developer-error mixin: 401/403 are DRF's `{"detail"}`.
programResetRoutes.post('/integration-reset', staffOrApp('detail'), async (c) =>
  c.json(await integrationReset(c.get('deps'), () => readObjectBody(c))),
);
document(
  programResetRoutes,
  createRoute({
    method: 'post',
    path: '/integration-reset',
    tags: ['Program enrollments'],
    summary: "Delete an organization's SSO-linked users and its programs' enrollments (test environments)",
    security: SECURITY.jwt,
    request: { body: { content: { 'application/json': { schema: ResetBody } }, required: true } },
    responses: {
      200: jsonContent(z.literal('success'), '`"success"`'),
      400: jsonContent(z.string(), '`"missing required body content \'organization\'"`'),
      401: jsonContent(DetailMessage, 'No JWT'),
      403: jsonContent(DetailMessage, 'Not global staff'),
      404: jsonContent(z.string(), '`"organization <key> not found"`'),
      501: jsonContent(z.string(), '`"reset not enabled on this environment"`'),
    },
  }),
);
