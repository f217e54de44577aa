import { COURSE_ID_PARAM, jsonContent } from '../lib/http';
import { serviceStyle } from '../lib/input-styles';
import { route } from '../lib/route';
import { createRouter } from '../openapi';
import { deleteCourse, getCourse, putCourse, putEmbargo } from './courses.service';
import {
  CourseBody,
  CourseParams,
  CourseResource,
  EmbargoBody,
  EmbargoResource,
  INVALID_REQUEST,
  jsonBody,
  refusal,
} from './provisioning.schemas';
import { ACCESS_ERRORS, serviceOnly } from './service-guards';

/** Course runs with their modes and embargo (docs/api/provisioning.md#courses, #embargo). */
export const courseRoutes = createRouter();
const r = courseRoutes;

const common = { tags: ['Provisioning: courses'], ...serviceOnly(), input: serviceStyle };
const COURSE = { path: '/courses/{course_id}', pattern: `/courses/${COURSE_ID_PARAM}` };
const NO_COURSE = refusal('No such course run (`course_not_found`)');

route(r, {
  ...common,
  method: 'put',
  path: '/courses/{course_id}/embargo',
  pattern: `/courses/${COURSE_ID_PARAM}/embargo`,
  summary: 'Replace the countries (ISO 3166 alpha-2, upper-case) that may not enroll; `[]` lifts the embargo',
  request: { params: CourseParams, body: jsonBody(EmbargoBody) },
  responses: { 200: jsonContent(EmbargoResource, 'Stored'), 400: INVALID_REQUEST, ...ACCESS_ERRORS, 404: NO_COURSE },
  handler: async (c, { params, body }) =>
    c.json(await putEmbargo(c.get('deps'), params.course_id, body.blocked_countries)),
});

route(r, {
  ...common,
  ...COURSE,
  method: 'put',
  summary: 'Create or replace a course run and its modes (drops its cached enrollment details)',
  request: { params: CourseParams, body: jsonBody(CourseBody) },
  responses: {
    200: jsonContent(CourseResource, 'Replaced'),
    201: jsonContent(CourseResource, 'Created'),
    400: INVALID_REQUEST,
    ...ACCESS_ERRORS,
  },
  handler: async (c, { params, body }) => {
    const { created, course } = await putCourse(c.get('deps'), params.course_id, body);
    return c.json(course, created ? 201 : 200);
  },
});

route(r, {
  ...common,
  ...COURSE,
  method: 'get',
  summary: 'A stored course run with its modes and embargo',
  request: { params: CourseParams },
  responses: {
    200: jsonContent(CourseResource, 'The course run'),
    400: INVALID_REQUEST,
    ...ACCESS_ERRORS,
    404: NO_COURSE,
  },
  handler: async (c, { params }) => c.json(await getCourse(c.get('deps'), params.course_id)),
});

route(r, {
  ...common,
  ...COURSE,
  method: 'delete',
  summary: 'Remove a course run that has no enrollments',
  request: { params: CourseParams },
  responses: {
    204: { description: 'Removed' },
    400: INVALID_REQUEST,
    ...ACCESS_ERRORS,
    404: NO_COURSE,
    409: refusal('The run has enrollments (`course_has_enrollments`)'),
  },
  handler: async (c, { params }) => {
    await deleteCourse(c.get('deps'), params.course_id);
    return c.body(null, 204);
  },
});
