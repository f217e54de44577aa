import type { z } from '@hono/zod-openapi';

// HTTP helpers shared by every domain's routes (lib/ imports nothing from src/).

/**
 * Route pattern of a `{course_id}` path parameter: one segment (`course-v1:ORG+COURSE+RUN`, also
 * percent-encoded) or the three segments of a legacy `ORG/COURSE/RUN` id (no `+` in them). Counting
 * segments keeps `/courses/{id}` apart from `/courses/{id}/embargo` etc., so a wrong method there
 * is a 405, not a 400 for a course id that swallowed the suffix. The alternation is grouped: Hono
 * joins all routes into one regular expression, where a bare `|` would split that expression.
 */
export const COURSE_ID_PARAM = ':course_id{(?:[^/]+|[^/+]+/[^/+]+/[^/+]+)}';

/** OpenAPI response entry with a JSON body. */
export const jsonContent = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
