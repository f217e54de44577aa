import { createMiddleware } from 'hono/factory';
import { authenticate } from '../auth/auth.middleware';
import type { AppEnv } from '../context';
import { errorResponse, errorResponses } from '../lib/error-responses';
import { AUTH_MESSAGES } from '../lib/errors';
import { authError, COURSE_ID_PARAM, jsonContent } from '../lib/http';
import { type InputStyle, serviceStyle } from '../lib/input-styles';
import { route, SECURITY } from '../lib/route';
import { firstMessages, isRootTypeIssue, REQUIRED_MESSAGE, requiredErrorMap } from '../lib/zod-issues';
import { createRouter } from '../openapi';
import { Cohort, CohortBody, CohortError, CohortList, CohortParams } from './cohorts.schemas';
import { cohortError, createCohort, getCohorts, mayManageCohorts } from './cohorts.service';

/** `/api/cohorts/v1` (docs/api/cohorts.md; upstream CohortHandler). */
export const cohortRoutes = createRouter();

const courseStaffOrPrivileged = createMiddleware<AppEnv>(async function cohortPermission(c, next) {
  const courseId = c.req.param('course_id') ?? '';
  if (!(await mayManageCohorts(c.get('deps'), c.get('principal'), courseId))) {
    throw authError('developer', 403, AUTH_MESSAGES.forbidden);
  }
  await next();
});

/** Upstream's error codes for a missing field (`missing-cohort-name`); other faults are `invalid-…`. */
const FIELD_CODES = { name: 'cohort-name', assignment_type: 'assignment-type' } as const;

/** Upstream CohortHandler's 400s: the first bad field named with its own error code. */
const cohortStyle: InputStyle = {
  errorMap: requiredErrorMap,
  unreadable: serviceStyle.unreadable,
  invalid(issues) {
    const errors = firstMessages(
      issues.filter((issue) => issue.path.length > 0),
      'path',
    );
    const field = (Object.keys(FIELD_CODES) as (keyof typeof FIELD_CODES)[]).find((f) => errors[f]);
    if (!field) {
      const message = issues.some(isRootTypeIssue) ? 'Request body must be a JSON object.' : 'Invalid request body.';
      return cohortError(400, message, 'invalid-request');
    }
    const missing = errors[field] === REQUIRED_MESSAGE;
    const message = missing ? `"${field}" must be specified to create cohort.` : `"${field}": ${errors[field]}`;
    return cohortError(400, message, `${missing ? 'missing' : 'invalid'}-${FIELD_CODES[field]}`, errors);
  },
};

const cohorts = {
  path: '/courses/{course_id}/cohorts',
  pattern: `/courses/${COURSE_ID_PARAM}/cohorts`,
  tags: ['Cohorts'],
  security: SECURITY.jwtOrApiKey,
  middleware: [authenticate({ style: 'developer' }), courseStaffOrPrivileged],
  input: cohortStyle,
};
const errors = {
  ...errorResponses('developer', 401),
  403: errorResponse('developer', 403, 'Not global staff, the API key or course staff'),
  404: jsonContent(CohortError, 'No such course run'),
};

route(cohortRoutes, {
  ...cohorts,
  method: 'get',
  summary: "A course run's cohorts, in creation order",
  request: { params: CohortParams },
  responses: { 200: jsonContent(CohortList, 'The cohorts'), ...errors },
  handler: async (c, { params }) => c.json(await getCohorts(c.get('deps'), params.course_id)),
});

route(cohortRoutes, {
  ...cohorts,
  method: 'post',
  summary: 'Create a cohort (names are unique within the run)',
  // An empty body is `{}` (DRF's request.data), so it reports the missing name.
  request: { params: CohortParams, body: { schema: CohortBody, required: true } },
  responses: {
    200: jsonContent(Cohort, 'The new cohort'),
    400: jsonContent(CohortError, 'Missing or invalid field, or a cohort of that name exists'),
    ...errors,
  },
  handler: async (c, { params, body }) =>
    c.json(await createCohort(c.get('deps'), params.course_id, body.name, body.assignment_type)),
});
