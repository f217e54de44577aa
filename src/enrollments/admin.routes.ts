import { createRoute, z } from '@hono/zod-openapi';
import { authenticate, requirePermission } from '../auth/auth.middleware';
import { isGlobalStaff, type Principal } from '../context/principal';
import { readObjectBody } from '../middleware/body';
import { createRouter, document, SECURITY } from '../openapi';
import { throttle } from '../throttle/throttle.middleware';
import {
  createAllowance,
  getRoles,
  listAllEnrollments,
  listAllowances,
  mayRetire,
  removeAllowance,
  unenrollRetiredUser,
} from './admin.service';
import {
  AdminEnrollmentPageSchema,
  AllowanceBodySchema,
  AllowanceSchema,
  DetailSchema,
  DeveloperMessageSchema,
  MessageSchema,
  RolesSchema,
  UnenrollBodySchema,
} from './enrollments.schemas';

/** E6–E9 of the Enrollment API, mounted under the same prefix as enrollments.routes.ts. */
export const enrollmentAdminRoutes = createRouter();
const r = enrollmentAdminRoutes;

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const tags = ['Enrollment API'];
const notRestricted = (p: Principal) => !p.restricted;
const detailErrors = {
  401: json(DetailSchema, 'Not authenticated.'),
  403: json(DetailSchema, 'Not allowed.'),
  429: json(DetailSchema, 'Throttled.'),
};

// E6 — the caller's course roles (§9).
document(
  r,
  createRoute({
    method: 'get',
    path: '/roles',
    summary: "The caller's course roles",
    tags,
    security: SECURITY.jwtOrApiKey,
    request: { query: z.object({ course_id: z.string().optional() }) },
    responses: {
      200: json(RolesSchema, 'Roles and the global staff flag.'),
      400: json(MessageSchema, 'No user.'),
      ...detailErrors,
    },
  }),
);
r.get('/roles', authenticate(), requirePermission(notRestricted), throttle(), async (c) =>
  c.json(await getRoles(c.get('deps'), c.get('principal'), c.req.query('course_id') ?? null)),
);

// E7 — retirement: deactivate all of a user's enrollments (§10). JWT only, not throttled.
document(
  r,
  createRoute({
    method: 'post',
    path: '/unenroll',
    summary: 'Unenroll a retiring user from everything',
    tags,
    security: SECURITY.jwt,
    request: { body: { content: { 'application/json': { schema: UnenrollBodySchema } } } },
    responses: {
      200: json(z.array(z.string()), 'Sorted distinct orgs of all the user’s enrollments.'),
      204: { description: 'No active enrollment.' },
      404: json(z.string(), 'Username missing or no retirement request.'),
      401: detailErrors[401],
      403: detailErrors[403],
    },
  }),
);
r.post(
  '/unenroll',
  authenticate({ jwtOnly: true }),
  requirePermission((p, config) => mayRetire(p, config.RETIREMENT_SERVICE_WORKER_USERNAME)),
  async (c) => {
    const orgs = await unenrollRetiredUser(c.get('deps'), c.get('principal'), await readObjectBody(c));
    return orgs ? c.json(orgs) : c.body(null, 204);
  },
);

// E8 — admin list of all enrollments with cursor paging (§11). Developer-error shape.
document(
  r,
  createRoute({
    method: 'get',
    path: '/enrollments',
    summary: 'All enrollments (global staff), newest first, cursor paging',
    tags,
    security: SECURITY.jwt,
    request: {
      query: z.object({
        course_id: z.string().optional(),
        username: z.string().optional().openapi({ description: 'Comma-separated, at most 100.' }),
        course_ids: z.string().optional().openapi({ description: 'Comma-separated, at most 100.' }),
        email: z.string().optional().openapi({ description: 'Comma-separated, at most 100.' }),
        page_size: z.string().optional().openapi({ description: '1–100 (default 100).' }),
        cursor: z.string().optional(),
      }),
    },
    responses: {
      200: json(AdminEnrollmentPageSchema, 'One page.'),
      400: json(DeveloperMessageSchema, 'Invalid filters (`field_errors`).'),
      401: json(DeveloperMessageSchema, 'Not authenticated.'),
      403: json(DeveloperMessageSchema, 'Not global staff.'),
      404: json(DeveloperMessageSchema, 'Invalid cursor.'),
      429: json(DeveloperMessageSchema, 'Throttled.'),
    },
  }),
);
r.get(
  '/enrollments',
  authenticate({ jwtOnly: true, style: 'developer' }),
  requirePermission(isGlobalStaff, 'developer'),
  throttle({ style: 'developer' }),
  async (c) => {
    const page = await listAllEnrollments(c.get('deps'), c.req.query());
    const link = (cursor: string | null) => {
      if (cursor === null) return null;
      const url = new URL(c.req.url);
      url.searchParams.set('cursor', cursor);
      return url.toString();
    };
    return c.json({ next: link(page.next), previous: link(page.previous), results: page.results });
  },
);

// E9 — enrollment allowances (§12). Global staff, JWT only.
const allowanceGuards = [authenticate({ jwtOnly: true }), requirePermission(isGlobalStaff), throttle()] as const;
const allowanceDoc = (method: 'get' | 'post' | 'delete', summary: string, extra: object) =>
  document(
    r,
    createRoute({
      method,
      path: '/enrollment_allowed',
      summary,
      tags,
      security: SECURITY.jwt,
      ...extra,
      responses: {
        200: json(z.array(AllowanceSchema), 'Allowances of the e-mail, oldest first.'),
        201: json(AllowanceSchema, 'Created.'),
        204: { description: 'Deleted.' },
        400: json(z.record(z.string(), z.array(z.string())), 'Field errors.'),
        404: json(MessageSchema, 'No such allowance.'),
        409: json(MessageSchema, 'Already exists.'),
        ...detailErrors,
      },
    }),
  );
allowanceDoc('get', 'Enrollment allowances of an e-mail', {
  request: { query: z.object({ email: z.string().optional() }) },
});
const allowanceBody = { request: { body: { content: { 'application/json': { schema: AllowanceBodySchema } } } } };
allowanceDoc('post', 'Allow an e-mail to enroll (CourseEnrollmentAllowed)', allowanceBody);
allowanceDoc('delete', 'Withdraw an allowance', allowanceBody);

r.get('/enrollment_allowed', ...allowanceGuards, async (c) =>
  c.json(await listAllowances(c.get('deps'), c.get('principal'), c.req.query('email'))),
);
r.post('/enrollment_allowed', ...allowanceGuards, async (c) =>
  c.json(await createAllowance(c.get('deps'), await readObjectBody(c)), 201),
);
r.delete('/enrollment_allowed', ...allowanceGuards, async (c) => {
  await removeAllowance(c.get('deps'), await readObjectBody(c));
  return c.body(null, 204);
});
