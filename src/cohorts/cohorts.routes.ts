import { jsonContent } from '../lib/http';
import { route } from '../lib/route';
import { createRouter } from '../openapi';
import {
  COHORTS_PATH,
  COHORTS_PATTERN,
  COURSE_NOT_FOUND_EXAMPLE,
  cohortErrors,
  cohortInputStyle,
  cohortNotFound,
  cohortRoute,
} from './cohort-http';
import {
  Cohort,
  CohortBody,
  CohortError,
  CohortIdParams,
  CohortList,
  CohortParams,
  CohortPatchBody,
} from './cohorts.schemas';
import { createCohort, getCohort, getCohorts, patchCohort } from './cohorts.service';

/** `/api/cohorts/v1` (docs/api/cohorts.md; upstream CohortHandler). */
export const cohortRoutes = createRouter();

/** Upstream's error codes for a missing field (`missing-cohort-name`); other faults are `invalid-…`. */
const FIELD_CODES = { name: 'cohort-name', assignment_type: 'assignment-type' };
const createStyle = cohortInputStyle({
  codes: FIELD_CODES,
  missing: (field) => `"${field}" must be specified to create cohort.`,
});

const cohorts = { ...cohortRoute, path: COHORTS_PATH, pattern: COHORTS_PATTERN, input: createStyle };
const courseNotFound = jsonContent(CohortError, 'No such course run', COURSE_NOT_FOUND_EXAMPLE);

route(cohortRoutes, {
  ...cohorts,
  method: 'get',
  summary: "A course run's cohorts, in creation order",
  request: { params: CohortParams },
  responses: { 200: jsonContent(CohortList, 'The cohorts'), ...cohortErrors, 404: courseNotFound },
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
    ...cohortErrors,
    404: courseNotFound,
  },
  handler: async (c, { params, body }) =>
    c.json(await createCohort(c.get('deps'), params.course_id, body.name, body.assignment_type)),
});

const oneCohort = {
  ...cohortRoute,
  path: `${COHORTS_PATH}/{cohort_id}`,
  pattern: `${COHORTS_PATTERN}/:cohort_id`,
  input: cohortInputStyle({ codes: FIELD_CODES, missing: () => 'Request must include name and/or assignment type.' }),
};

route(cohortRoutes, {
  ...oneCohort,
  method: 'get',
  summary: 'One cohort of the run',
  request: { params: CohortIdParams },
  responses: { 200: jsonContent(Cohort, 'The cohort'), ...cohortErrors, 404: cohortNotFound },
  handler: async (c, { params }) => c.json(await getCohort(c.get('deps'), params.course_id, params.cohort_id)),
});

route(cohortRoutes, {
  ...oneCohort,
  method: 'patch',
  summary: 'Rename a cohort and/or change its assignment type (204)',
  request: { params: CohortIdParams, body: { schema: CohortPatchBody, required: true } },
  responses: {
    204: { description: 'Changed (or already so).' },
    400: jsonContent(
      CohortError,
      'Neither field given (`missing-fields`), a field invalid, the name taken by another cohort (`cohort-name-exists`), or the last random cohort made manual (`last-random-cohort`). Nothing was changed.',
      {
        developer_message: 'A cohort with the same name already exists.',
        error_code: 'cohort-name-exists',
      },
    ),
    ...cohortErrors,
    404: cohortNotFound,
  },
  handler: async (c, { params, body }) => {
    await patchCohort(c.get('deps'), params.course_id, params.cohort_id, {
      name: body.name ?? undefined,
      assignmentType: body.assignment_type ?? undefined,
    });
    return c.body(null, 204);
  },
});
