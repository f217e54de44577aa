import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { apiKeyOnly, authenticate, requirePermission } from '../auth/auth.middleware';
import type { AppEnv } from '../context';
import { callerUsername, type Principal } from '../context/principal';
import { errorResponse, errorResponses } from '../lib/error-responses';
import { notFoundDetail } from '../lib/errors';
import { jsonContent } from '../lib/http';
import { messageStyle } from '../lib/input-styles';
import { route, SECURITY } from '../lib/route';
import { requestCountry } from '../middleware/geo';
import { emptyJsonResponse } from '../middleware/render-error';
import { createRouter } from '../openapi';
import { throttle } from '../throttle/throttle.middleware';
import { parseIncludeExpired } from './course-modes';
import { enroll } from './enroll.service';
import { CourseDetailsSchema, EnrollBodySchema, EnrollmentSchema, MessageSchema } from './enrollments.schemas';
import { getCourseDetails, getEnrollment, listEnrollments, mayReadEnrollmentOf } from './enrollments.service';

export const enrollmentRoutes = createRouter();
const r = enrollmentRoutes;

const tags = ['Enrollment API'];
const CourseId = z.string().openapi({ example: 'course-v1:edX+DemoX+Demo_Course', description: 'Course run key.' });
const CourseIdParam = z.object({ course_id: CourseId });
const notRestricted = (p: Principal) => !p.restricted;
const signedIn = () => [authenticate(), requirePermission(notRestricted)];
const STANDARD_ERRORS = {
  ...errorResponses('detail', 401, 429),
  403: errorResponse('detail', 403, 'Not allowed (restricted applications included).'),
};

// E1 — public course enrollment details (docs/api/enrollments.md#e1), cached in KV
// (#course-details-cache). Anonymous; an API key is optional and only lifts the throttle.
route(r, {
  method: 'get',
  path: '/course/{course_id}',
  pattern: '/course/:course_id{.+}',
  summary: 'Course enrollment details (public, cached)',
  tags,
  description:
    'Public: no credentials needed. A valid `X-Edx-Api-Key` is optional and only exempts the call from the per-IP throttle.',
  // One empty requirement, not `[{}, ApiKey]`: Swagger UI shows a padlock unless the operation is public alone.
  security: SECURITY.anonymous,
  middleware: [apiKeyOnly(), throttle({ identity: 'ip' })],
  request: {
    params: CourseIdParam,
    query: z.object({
      include_expired: z
        .string()
        .optional()
        .openapi({ description: 'Also list expired modes unless empty, `0`, `false`, `no` or `off`.' }),
    }),
  },
  responses: {
    200: jsonContent(CourseDetailsSchema, 'The course run and the modes it offers.'),
    400: jsonContent(MessageSchema, 'Unknown course or invalid course key.'),
    429: errorResponse('detail', 429, 'Throttled (per client IP).'),
  },
  input: messageStyle,
  handler: async (c, { params, query }) => {
    const result = await getCourseDetails(c.get('deps'), params.course_id, parseIncludeExpired(query.include_expired));
    c.get('serverTiming').push(`cache;desc="${result.cache}"`);
    return new Response(result.json, { status: 200, headers: { 'Content-Type': 'application/json' } });
  },
});

// E4 — a user's active enrollments (docs/api/enrollments.md#e4).
route(r, {
  method: 'get',
  path: '/enrollment',
  summary: "A user's active enrollments",
  tags,
  security: SECURITY.jwtOrApiKey,
  middleware: [...signedIn(), throttle()],
  request: { query: z.object({ user: z.string().optional().openapi({ description: 'Default: the caller.' }) }) },
  responses: { 200: jsonContent(z.array(EnrollmentSchema), 'Active enrollments, oldest first.'), ...STANDARD_ERRORS },
  input: messageStyle,
  handler: async (c, { query }) => {
    const principal = c.get('principal');
    return c.json(await listEnrollments(c.get('deps'), principal, query.user ?? callerUsername(principal)));
  },
});

// E5 — enroll, reactivate, change mode, deactivate (docs/api/enrollments.md#e5). Field by field in
// the documented order: the schema refuses only step 1 (see EnrollBodySchema), the service every
// later step.
route(r, {
  method: 'post',
  path: '/enrollment',
  summary: 'Create or update an enrollment',
  tags,
  security: SECURITY.jwtOrApiKey,
  middleware: [...signedIn(), throttle()],
  request: { body: { schema: EnrollBodySchema } },
  responses: {
    200: jsonContent(EnrollmentSchema, 'The resulting enrollment.'),
    400: jsonContent(MessageSchema, 'Invalid request, unavailable mode, closed enrollment, …'),
    ...STANDARD_ERRORS,
    404: errorResponse('detail', 404, 'Another user named without the right to act for them.'),
    406: jsonContent(MessageSchema, 'The target user does not exist.', { message: 'The user nobody does not exist.' }),
  },
  input: messageStyle,
  handler: async (c, { body }) =>
    c.json(await enroll(c.get('deps'), c.get('principal'), { body, requestCountry: requestCountry(c) })),
});

// E2/E3 — one enrollment (docs/api/enrollments.md#e2-e3): `{username},{course_id}`, or `{course_id}` for the caller.
const USERNAME = /^[\p{L}\p{N}_.@+-]+$/u;

/** Splits `{username},{course_id}` at the first comma (course keys never contain one). */
function enrollmentTarget(target: string, principal: Principal) {
  const comma = target.indexOf(',');
  if (comma < 0) return { username: callerUsername(principal), courseId: target, named: false };
  return { username: target.slice(0, comma), courseId: target.slice(comma + 1), named: true };
}

/** The path after `/enrollment/`, decoded (an encoded comma separates as a plain one does). */
const targetOf = (c: Context<AppEnv>) => enrollmentTarget(c.req.param('target') ?? '', c.get('principal'));

/** Checked before the throttle: a refused request is not counted (docs/api/enrollments.md#throttling). */
const mayReadTarget = createMiddleware<AppEnv>(async function mayReadTarget(c, next) {
  const { username, named } = targetOf(c);
  if (named && !USERNAME.test(username)) throw notFoundDetail();
  if (!mayReadEnrollmentOf(c.get('principal'), username)) throw notFoundDetail();
  await next();
});

// One pattern serves both paths: a path segment cannot hold two Hono parameters, and Hono's one-regex
// router refuses two patterns there. `username` is the caller's when the path names none.
route(r, {
  method: 'get',
  path: '/enrollment/{username},{course_id}',
  pattern: '/enrollment/:target{.+}',
  pathParams: (c) => {
    const { username, courseId } = targetOf(c);
    return { username, course_id: courseId };
  },
  alsoServes: [
    { path: '/enrollment/{course_id}', summary: "The caller's enrollment in a course", params: CourseIdParam },
  ],
  summary: "A user's enrollment in a course",
  tags,
  security: SECURITY.jwtOrApiKey,
  middleware: [...signedIn(), mayReadTarget, throttle()],
  request: { params: CourseIdParam.extend({ username: z.string() }) },
  responses: {
    200: jsonContent(EnrollmentSchema, 'The enrollment (active or not); an EMPTY body when there is none.'),
    400: jsonContent(MessageSchema, 'Invalid course key.'),
    ...STANDARD_ERRORS,
    404: errorResponse('detail', 404, "Another user's enrollment without the right to see it."),
  },
  input: messageStyle,
  handler: async (c, { params }) => {
    const enrollment = await getEnrollment(c.get('deps'), params.username, params.course_id);
    // No enrollment: 200 with an empty body (D3), still typed as JSON.
    return enrollment ? c.json(enrollment) : emptyJsonResponse();
  },
});
