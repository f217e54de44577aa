import { z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context';
import { FORM_TYPES } from '../lib/body';
import { DetailError, errorResponses } from '../lib/error-responses';
import { ApiError } from '../lib/errors';
import { jsonContent } from '../lib/http';
import { drfStyle, type InputStyle } from '../lib/input-styles';
import { route, SECURITY } from '../lib/route';
import { isRootTypeIssue } from '../lib/zod-issues';
import { createRouter } from '../openapi';
import { staffOrApp } from './program-guards';
import { MISSING_ORGANIZATION, ResetBody } from './programs.schemas';
import { integrationReset } from './reset.service';

/** docs/api/programs.md#reset — wipe an organization's test users and program enrollments (off unless ENABLE_ENROLLMENT_RESET). */
export const programResetRoutes = createRouter();

const NOT_ENABLED = 'reset not enabled on this environment';

/** Off → 501 whatever the body: checked after the permission, before the body is read. */
const resetEnabled = createMiddleware<AppEnv>(async function resetEnabled(c, next) {
  if (!c.get('deps').config.ENABLE_ENROLLMENT_RESET) throw new ApiError(501, NOT_ENABLED);
  await next();
});

/** Upstream reads the body as DRF does (`{"detail"}` for what it cannot parse); no organization is a bare string. */
const resetStyle: InputStyle = {
  ...drfStyle,
  invalid: (issues) =>
    issues.some(isRootTypeIssue) ? drfStyle.invalid(issues) : new ApiError(400, MISSING_ORGANIZATION),
};

// Upstream's view has no developer-error mixin: 401/403 are DRF's `{"detail"}`.
route(programResetRoutes, {
  method: 'post',
  path: '/integration-reset',
  tags: ['Program enrollments'],
  summary: "Delete an organization's SSO-linked users and its programs' enrollments (test environments)",
  security: SECURITY.jwt,
  middleware: [...staffOrApp('detail'), resetEnabled],
  request: { body: { schema: ResetBody, media: ['application/json', ...FORM_TYPES], required: true } },
  responses: {
    200: jsonContent(z.literal('success'), '`"success"`'),
    400: jsonContent(
      z.string().or(DetailError),
      `\`"${MISSING_ORGANIZATION}"\`, or a body that is not a JSON object (\`{"detail"}\`)`,
    ),
    ...errorResponses('detail', 401, 403),
    404: jsonContent(z.string(), '`"organization <key> not found"`'),
    501: jsonContent(z.string(), `\`"${NOT_ENABLED}"\``),
  },
  input: resetStyle,
  handler: async (c, { body }) => c.json(await integrationReset(c.get('deps'), body.organization)),
});
