import { createRoute } from '@hono/zod-openapi';
import { every } from 'hono/combine';
import { createMiddleware } from 'hono/factory';
import { authenticate } from '../auth/auth.middleware';
import type { AppEnv } from '../context';
import { AUTH_MESSAGES } from '../lib/errors';
import { authError, COURSE_ID_PARAM, jsonContent } from '../lib/http';
import { createRouter, document, SECURITY } from '../openapi';
import { check, REQUIRED_MESSAGE, readJson } from '../provisioning/request';
import { Cohort, CohortBody, CohortError, CohortList, CohortParams } from './cohorts.schemas';
import { cohortError, createCohort, getCohorts, mayManageCohorts } from './cohorts.service';

/** `/api/cohorts/v1` (service-contract.md, cohorts paragraph; upstream CohortHandler). */
export const cohortRoutes = createRouter();

const courseStaffOrPrivileged = createMiddleware<AppEnv>(async function cohortPermission(c, next) {
  const courseId = c.req.param('course_id') ?? '';
  if (!(await mayManageCohorts(c.get('deps'), c.get('principal'), courseId))) {
    throw authError('developer', 403, AUTH_MESSAGES.forbidden);
  }
  await next();
});
const access = () => every(authenticate({ style: 'developer' }), courseStaffOrPrivileged);

const PATH = `/courses/${COURSE_ID_PARAM}/cohorts`;
const errors = {
  401: jsonContent(CohortError, 'No credentials'),
  403: jsonContent(CohortError, 'Not global staff, the API key or course staff'),
  404: jsonContent(CohortError, 'No such course run'),
};
const tags = ['Cohorts'];

cohortRoutes.get(PATH, access(), async (c) => c.json(await getCohorts(c.get('deps'), c.req.param('course_id'))));
document(
  cohortRoutes,
  createRoute({
    method: 'get',
    path: '/courses/{course_id}/cohorts',
    tags,
    summary: "A course run's cohorts, in creation order",
    security: SECURITY.jwtOrApiKey,
    request: { params: CohortParams },
    responses: { 200: jsonContent(CohortList, 'The cohorts'), ...errors },
  }),
);

/** Upstream's error codes for a missing field (`missing-cohort-name`); other faults are `invalid-…`. */
const FIELD_CODES = { name: 'cohort-name', assignment_type: 'assignment-type' } as const;

function invalidCohortBody(errors: Record<string, string>, bodyError?: string) {
  const field = (Object.keys(FIELD_CODES) as (keyof typeof FIELD_CODES)[]).find((f) => errors[f]);
  if (!field) return cohortError(400, bodyError ?? 'Invalid request body.', 'invalid-request');
  const missing = errors[field] === REQUIRED_MESSAGE;
  const message = missing ? `"${field}" must be specified to create cohort.` : `"${field}": ${errors[field]}`;
  return cohortError(400, message, `${missing ? 'missing' : 'invalid'}-${FIELD_CODES[field]}`, errors);
}

cohortRoutes.post(PATH, access(), async (c) => {
  // An empty body is `{}` (DRF's request.data), so it reports the missing name.
  const body = check(CohortBody, (await readJson(c)) ?? {});
  if (!body.ok) throw invalidCohortBody(body.errors, body.bodyError);
  const { name, assignment_type } = body.data;
  return c.json(await createCohort(c.get('deps'), c.req.param('course_id'), name, assignment_type));
});
document(
  cohortRoutes,
  createRoute({
    method: 'post',
    path: '/courses/{course_id}/cohorts',
    tags,
    summary: 'Create a cohort (names are unique within the run)',
    security: SECURITY.jwtOrApiKey,
    request: {
      params: CohortParams,
      body: { content: { 'application/json': { schema: CohortBody } }, required: true },
    },
    responses: {
      200: jsonContent(Cohort, 'The new cohort'),
      400: jsonContent(CohortError, 'Missing or invalid field, or a cohort of that name exists'),
      ...errors,
    },
  }),
);
