import type { z } from '@hono/zod-openapi';
import { ApiError } from './errors';

// HTTP helpers shared by every domain's routes (lib/ imports nothing from src/).

/**
 * Route pattern of a `{course_id}` path parameter: one segment (`course-v1:ORG+COURSE+RUN`, also
 * percent-encoded) or the three segments of a legacy `ORG/COURSE/RUN` id (no `+` in them). Counting
 * segments keeps `/courses/{id}` apart from `/courses/{id}/embargo` etc., so a wrong method there
 * is a 405, not a 400 for a course id that swallowed the suffix. The alternation is grouped: Hono
 * joins all routes into one regular expression, where a bare `|` would split that expression.
 */
export const COURSE_ID_PARAM = ':course_id{(?:[^/]+|[^/+]+/[^/+]+/[^/+]+)}';

/** OpenAPI response entry with a JSON body; `example` where the schema's own would contradict `description`. */
export const jsonContent = (schema: z.ZodType, description: string, example?: unknown) => ({
  description,
  content: { 'application/json': example === undefined ? { schema } : { schema, example } },
});

/**
 * Error bodies: DRF's `{"detail"}` for most upstream endpoints, `{"developer_message"}` for upstream's
 * DeveloperErrorViewMixin views (admin list E8, cohorts), and `{"error_code", "developer_message"}`
 * for this service's own APIs (provisioning).
 */
export type ErrorStyle = 'detail' | 'developer' | 'service';

const WWW_AUTHENTICATE = { 'WWW-Authenticate': 'JWT realm="api"' };

/** The body of a 401/403/429 in the endpoint's style. */
export function styledBody(style: ErrorStyle, errorCode: string, message: string) {
  if (style === 'detail') return { detail: message };
  if (style === 'developer') return { developer_message: message };
  return { error_code: errorCode, developer_message: message };
}

export function authError(style: ErrorStyle, status: 401 | 403, message: string): ApiError {
  const body = styledBody(style, status === 401 ? 'not_authenticated' : 'forbidden', message);
  return new ApiError(status, body, status === 401 ? WWW_AUTHENTICATE : {});
}
