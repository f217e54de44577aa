import { z } from '@hono/zod-openapi';
import { authenticate, requirePermission } from '../auth/auth.middleware';
import { isGlobalStaff, type Principal } from '../context/principal';
import { DEMO_COURSE_ID } from '../lib/demo-examples';
import { DeveloperMessageError, errorResponse, errorResponses } from '../lib/error-responses';
import { ApiError } from '../lib/errors';
import { jsonContent } from '../lib/http';
import { developerFieldStyle, drfStyle, type InputStyle, messageStyle } from '../lib/input-styles';
import { route, SECURITY } from '../lib/route';
import { isRootTypeIssue } from '../lib/zod-issues';
import { createRouter } from '../openapi';
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
  AllowanceKeySchema,
  AllowanceSchema,
  MessageSchema,
  RolesSchema,
  UnenrollBodySchema,
} from './enrollments.schemas';

/** E6–E9 of the Enrollment API, mounted under the same prefix as enrollments.routes.ts. */
export const enrollmentAdminRoutes = createRouter();
const r = enrollmentAdminRoutes;

const tags = ['Enrollment API'];
const notRestricted = (p: Principal) => !p.restricted;

// The bodies these operations really answer, shown as their examples (the schemas' own examples
// belong to other operations). test/docs/admin-examples.test.ts compares them with live answers.
const EXAMPLE_EMAIL = 'new@example.com';
const allowanceMessage = (ending: string) => ({
  message: `An enrollment allowed with email ${EXAMPLE_EMAIL} and course ${DEMO_COURSE_ID} ${ending}`,
});
const ADMIN_EXAMPLES = {
  rolesWithoutUser: { message: "An error occurred while retrieving roles for user '" },
  noRetirement: 'No retirement request status for username.',
  invalidFilter: {
    field_errors: { course_id: { developer_message: "'not-a-key' is not a valid course id." } },
  },
  invalidAllowance: { email: ['Enter a valid email address.'] },
  allowanceExists: allowanceMessage('already exists.'),
  allowanceMissing: allowanceMessage("doesn't exists."),
};

// E6 — the caller's course roles (docs/api/enrollments.md#e6).
route(r, {
  method: 'get',
  path: '/roles',
  summary: "The caller's course roles",
  tags,
  security: SECURITY.jwtOrApiKey,
  middleware: [authenticate(), requirePermission(notRestricted), throttle()],
  request: { query: z.object({ course_id: z.string().optional() }) },
  responses: {
    200: jsonContent(RolesSchema, 'Roles and the global staff flag.'),
    400: jsonContent(MessageSchema, 'No user (the API key alone).', ADMIN_EXAMPLES.rolesWithoutUser),
    ...errorResponses('detail', 401, 403, 429),
  },
  input: messageStyle,
  handler: async (c, { query }) => c.json(await getRoles(c.get('deps'), c.get('principal'), query.course_id ?? null)),
});

/** E7 answers a missing `username` with its bare-string 404 (upstream), not a field error. */
const retirementStyle: InputStyle = {
  ...drfStyle,
  invalid: (issues) =>
    issues.some(isRootTypeIssue) ? drfStyle.invalid(issues) : new ApiError(404, 'Username not specified.'),
};

// E7 — retirement: deactivate all of a user's enrollments (docs/api/enrollments.md#e7). JWT only, not throttled.
route(r, {
  method: 'post',
  path: '/unenroll',
  summary: 'Unenroll a retiring user from everything',
  tags,
  security: SECURITY.jwt,
  middleware: [
    authenticate({ jwtOnly: true }),
    requirePermission((p, config) => mayRetire(p, config.RETIREMENT_SERVICE_WORKER_USERNAME)),
  ],
  request: { body: { schema: UnenrollBodySchema } },
  responses: {
    200: jsonContent(z.array(z.string()), 'Sorted distinct orgs of all the user’s enrollments.'),
    204: { description: 'No active enrollment.' },
    404: jsonContent(z.string(), 'Username missing or no retirement request.', ADMIN_EXAMPLES.noRetirement),
    ...errorResponses('detail', 401, 403),
  },
  input: retirementStyle,
  handler: async (c, { body }) => {
    const orgs = await unenrollRetiredUser(c.get('deps'), c.get('principal'), body);
    return orgs ? c.json(orgs) : c.body(null, 204);
  },
});

// E8 — admin list of all enrollments with cursor paging (docs/api/enrollments.md#e8). Developer-error
// shape. The filters' rules (course key, name grammar, at most 100 items) are the service's field errors.
route(r, {
  method: 'get',
  path: '/enrollments',
  summary: 'All enrollments (global staff), newest first, cursor paging',
  tags,
  security: SECURITY.jwt,
  middleware: [
    authenticate({ jwtOnly: true, style: 'developer' }),
    requirePermission(isGlobalStaff, 'developer'),
    throttle({ style: 'developer' }),
  ],
  request: {
    query: z.object({
      course_id: z.string().optional(),
      username: z.string().optional().openapi({ description: 'Comma-separated, at most 100.' }),
      course_ids: z.string().optional().openapi({ description: 'Comma-separated, at most 100.' }),
      email: z.string().optional().openapi({ description: 'Comma-separated, at most 100.' }),
      page_size: z.string().optional().openapi({ type: 'integer', description: '1–100; anything else is 100.' }),
      cursor: z.string().optional(),
    }),
  },
  responses: {
    200: jsonContent(AdminEnrollmentPageSchema, 'One page.'),
    400: jsonContent(DeveloperMessageError, 'Invalid filters (`field_errors`).', ADMIN_EXAMPLES.invalidFilter),
    ...errorResponses('developer', 401, 429),
    403: errorResponse('developer', 403, 'Not global staff.'),
    404: errorResponse('developer', 404, 'Invalid cursor.'),
  },
  input: developerFieldStyle,
  handler: async (c, { query }) => {
    const page = await listAllEnrollments(c.get('deps'), query);
    const link = (cursor: string | null) => {
      if (cursor === null) return null;
      const url = new URL(c.req.url);
      url.searchParams.set('cursor', cursor);
      return url.toString();
    };
    return c.json({ next: link(page.next), previous: link(page.previous), results: page.results });
  },
});

// E9 — enrollment allowances (docs/api/enrollments.md#e9). Global staff, JWT only.
const allowances = {
  path: '/enrollment_allowed',
  tags,
  security: SECURITY.jwt,
  middleware: [authenticate({ jwtOnly: true }), requirePermission(isGlobalStaff), throttle()],
  input: drfStyle,
};
const allowanceFieldErrors = {
  400: jsonContent(
    z.record(z.string(), z.array(z.string())),
    'Field errors (DRF shape).',
    ADMIN_EXAMPLES.invalidAllowance,
  ),
};
const allowanceErrors = errorResponses('detail', 401, 403, 429);

route(r, {
  ...allowances,
  method: 'get',
  summary: 'Enrollment allowances of an e-mail',
  request: { query: z.object({ email: z.string().optional().openapi({ description: "Default: the caller's." }) }) },
  responses: {
    200: jsonContent(z.array(AllowanceSchema), 'Allowances of the e-mail, oldest first.'),
    ...allowanceErrors,
  },
  handler: async (c, { query }) => c.json(await listAllowances(c.get('deps'), c.get('principal'), query.email)),
});

route(r, {
  ...allowances,
  method: 'post',
  summary: 'Allow an e-mail to enroll (CourseEnrollmentAllowed)',
  request: { body: { schema: AllowanceBodySchema } },
  responses: {
    201: jsonContent(AllowanceSchema, 'Created.'),
    ...allowanceFieldErrors,
    ...allowanceErrors,
    409: jsonContent(MessageSchema, 'Already exists.', ADMIN_EXAMPLES.allowanceExists),
  },
  handler: async (c, { body }) => c.json(await createAllowance(c.get('deps'), body), 201),
});

route(r, {
  ...allowances,
  method: 'delete',
  summary: 'Withdraw an allowance',
  request: { body: { schema: AllowanceKeySchema } },
  responses: {
    204: { description: 'Deleted.' },
    ...allowanceFieldErrors,
    ...allowanceErrors,
    404: jsonContent(MessageSchema, 'No such allowance.', ADMIN_EXAMPLES.allowanceMissing),
  },
  handler: async (c, { body }) => {
    await removeAllowance(c.get('deps'), body);
    return c.body(null, 204);
  },
});
