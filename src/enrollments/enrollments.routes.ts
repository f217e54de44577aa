import { createRoute, z } from '@hono/zod-openapi';
import { apiKeyOnly, authenticate, requirePermission } from '../auth/auth.middleware';
import { callerUsername, type Principal } from '../context/principal';
import { notFoundDetail } from '../lib/errors';
import { readObjectBody } from '../middleware/body';
import { emptyJsonResponse } from '../middleware/errors';
import { requestCountry } from '../middleware/geo';
import { createRouter, document, SECURITY } from '../openapi';
import { throttle } from '../throttle/throttle.middleware';
import { parseIncludeExpired } from './course-modes';
import { enroll } from './enroll.service';
import {
  CourseDetailsSchema,
  DetailSchema,
  EnrollBodySchema,
  EnrollmentSchema,
  MessageSchema,
} from './enrollments.schemas';
import { getCourseDetails, getEnrollment, listEnrollments, mayReadEnrollmentOf } from './enrollments.service';

export const enrollmentRoutes = createRouter();
const r = enrollmentRoutes;

const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const CourseIdParam = z.object({
  course_id: z.string().openapi({ example: 'course-v1:edX+DemoX+Demo_Course', description: 'Course run key.' }),
});
const notRestricted = (p: Principal) => !p.restricted;
const STANDARD_ERRORS = {
  401: json(DetailSchema, 'Not authenticated.'),
  403: json(DetailSchema, 'Not allowed (restricted applications included).'),
  429: json(DetailSchema, 'Throttled.'),
};

// E1 — public course enrollment details (§5), cached in KV (§14).
document(
  r,
  createRoute({
    method: 'get',
    path: '/course/{course_id}',
    summary: 'Course enrollment details (public, cached)',
    // Anonymous; an API key is optional and only lifts the throttle.
    security: [{}, ...SECURITY.apiKey],
    tags: ['Enrollment API'],
    request: { params: CourseIdParam, query: z.object({ include_expired: z.string().optional() }) },
    responses: {
      200: json(CourseDetailsSchema, 'The course run and the modes it offers.'),
      400: json(MessageSchema, 'Unknown course or invalid course key.'),
      429: json(DetailSchema, 'Throttled (per client IP).'),
    },
  }),
);
r.get('/course/:course_id{.+}', apiKeyOnly(), throttle({ identity: 'ip' }), async (c) => {
  const includeExpired = parseIncludeExpired(c.req.query('include_expired'));
  const result = await getCourseDetails(c.get('deps'), c.req.param('course_id'), includeExpired);
  c.get('serverTiming').push(`cache;desc="${result.cache}"`);
  return new Response(result.json, { status: 200, headers: { 'Content-Type': 'application/json' } });
});

// E4 — a user's active enrollments (§7).
document(
  r,
  createRoute({
    method: 'get',
    path: '/enrollment',
    summary: "A user's active enrollments",
    tags: ['Enrollment API'],
    security: SECURITY.jwtOrApiKey,
    request: { query: z.object({ user: z.string().optional() }) },
    responses: { 200: json(z.array(EnrollmentSchema), 'Active enrollments, oldest first.'), ...STANDARD_ERRORS },
  }),
);
r.get('/enrollment', authenticate(), requirePermission(notRestricted), throttle(), async (c) => {
  const user = c.req.query('user') ?? callerUsername(c.get('principal'));
  return c.json(await listEnrollments(c.get('deps'), c.get('principal'), user));
});

// E5 — enroll, reactivate, change mode, deactivate (§8).
document(
  r,
  createRoute({
    method: 'post',
    path: '/enrollment',
    summary: 'Create or update an enrollment',
    tags: ['Enrollment API'],
    security: SECURITY.jwtOrApiKey,
    request: { body: { content: { 'application/json': { schema: EnrollBodySchema } } } },
    responses: {
      200: json(EnrollmentSchema, 'The resulting enrollment.'),
      400: json(MessageSchema, 'Invalid request, unavailable mode, closed enrollment, …'),
      ...STANDARD_ERRORS,
      404: json(DetailSchema, 'Another user named without the right to act for them.'),
      406: json(MessageSchema, 'The target user does not exist.'),
    },
  }),
);
r.post('/enrollment', authenticate(), requirePermission(notRestricted), throttle(), async (c) => {
  const body = await readObjectBody(c);
  return c.json(await enroll(c.get('deps'), c.get('principal'), { body, requestCountry: requestCountry(c) }));
});

// E2/E3 — one enrollment (§6): `{username},{course_id}` or just `{course_id}` for the caller.
const USERNAME = /^[\p{L}\p{N}_.@+-]+$/u;
/** Splits `{username},{course_id}` at the first comma (course keys never contain one). */
function enrollmentTarget(target: string, principal: Principal) {
  const comma = target.indexOf(',');
  if (comma < 0) return { username: callerUsername(principal), courseId: target, named: false };
  return { username: target.slice(0, comma), courseId: target.slice(comma + 1), named: true };
}
for (const path of ['/enrollment/{username},{course_id}', '/enrollment/{course_id}']) {
  const withUser = path.includes('username');
  document(
    r,
    createRoute({
      method: 'get',
      path,
      summary: withUser ? "A user's enrollment in a course" : "The caller's enrollment in a course",
      tags: ['Enrollment API'],
      security: SECURITY.jwtOrApiKey,
      request: { params: withUser ? CourseIdParam.extend({ username: z.string() }) : CourseIdParam },
      responses: {
        200: json(EnrollmentSchema, 'The enrollment (active or not); an EMPTY body when there is none.'),
        400: json(MessageSchema, 'Invalid course key.'),
        ...STANDARD_ERRORS,
        404: json(DetailSchema, "Another user's enrollment without the right to see it."),
      },
    }),
  );
}
r.get(
  '/enrollment/:target{.+}',
  authenticate(),
  requirePermission(notRestricted),
  async (c, next) => {
    const { username, named } = enrollmentTarget(c.req.param('target'), c.get('principal'));
    if (named && !USERNAME.test(username)) throw notFoundDetail();
    // Checked before the throttle: a refused request is not counted (§13).
    if (!mayReadEnrollmentOf(c.get('principal'), username)) throw notFoundDetail();
    await next();
  },
  throttle(),
  async (c) => {
    const { username, courseId } = enrollmentTarget(c.req.param('target'), c.get('principal'));
    const enrollment = await getEnrollment(c.get('deps'), username, courseId);
    // No enrollment: 200 with an empty body (D3), still typed as JSON.
    return enrollment ? c.json(enrollment) : emptyJsonResponse();
  },
);
