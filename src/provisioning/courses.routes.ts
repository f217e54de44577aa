import { createRoute } from '@hono/zod-openapi';
import { COURSE_ID_PARAM, jsonContent } from '../lib/http';
import { createRouter, document, SECURITY } from '../openapi';
import { deleteCourse, getCourse, putCourse, putEmbargo } from './courses.service';
import {
  CourseBody,
  CourseParams,
  CourseResource,
  DeveloperError,
  EmbargoBody,
  EmbargoResource,
} from './provisioning.schemas';
import { allValid, check, readJson, serviceOnly } from './request';

export const courseRoutes = createRouter();

const errors = {
  400: jsonContent(DeveloperError, 'Invalid field(s), each named in `field_errors`'),
  401: jsonContent(DeveloperError, 'No credentials'),
  403: jsonContent(DeveloperError, 'Neither the API key nor global staff'),
};
const notFound = { 404: jsonContent(DeveloperError, 'No such course run') };
const tags = ['Provisioning: courses'];
const json = (schema: typeof CourseBody | typeof EmbargoBody) => ({
  content: { 'application/json': { schema } },
  required: true,
});

courseRoutes.put(`/courses/${COURSE_ID_PARAM}/embargo`, serviceOnly(), async (c) => {
  const [params, body] = allValid(check(CourseParams, c.req.param()), check(EmbargoBody, await readJson(c)));
  return c.json(await putEmbargo(c.get('deps'), params.course_id, body.blocked_countries));
});
document(
  courseRoutes,
  createRoute({
    method: 'put',
    path: '/courses/{course_id}/embargo',
    tags,
    summary: 'Replace the countries (ISO 3166 alpha-2, upper-case) that may not enroll; `[]` lifts the embargo',
    security: SECURITY.jwtOrApiKey,
    request: { params: CourseParams, body: json(EmbargoBody) },
    responses: { 200: jsonContent(EmbargoResource, 'Stored'), ...errors, ...notFound },
  }),
);

courseRoutes.put(`/courses/${COURSE_ID_PARAM}`, serviceOnly(), async (c) => {
  const [params, body] = allValid(check(CourseParams, c.req.param()), check(CourseBody, await readJson(c)));
  const { created, course } = await putCourse(c.get('deps'), params.course_id, body);
  return c.json(course, created ? 201 : 200);
});
document(
  courseRoutes,
  createRoute({
    method: 'put',
    path: '/courses/{course_id}',
    tags,
    summary: 'Create or replace a course run and its modes (drops its cached enrollment details)',
    security: SECURITY.jwtOrApiKey,
    request: { params: CourseParams, body: json(CourseBody) },
    responses: { 200: jsonContent(CourseResource, 'Replaced'), 201: jsonContent(CourseResource, 'Created'), ...errors },
  }),
);

courseRoutes.get(`/courses/${COURSE_ID_PARAM}`, serviceOnly(), async (c) => {
  const [params] = allValid(check(CourseParams, c.req.param()));
  return c.json(await getCourse(c.get('deps'), params.course_id));
});
document(
  courseRoutes,
  createRoute({
    method: 'get',
    path: '/courses/{course_id}',
    tags,
    summary: 'A stored course run with its modes and embargo',
    security: SECURITY.jwtOrApiKey,
    request: { params: CourseParams },
    responses: { 200: jsonContent(CourseResource, 'The course run'), ...errors, ...notFound },
  }),
);

courseRoutes.delete(`/courses/${COURSE_ID_PARAM}`, serviceOnly(), async (c) => {
  const [params] = allValid(check(CourseParams, c.req.param()));
  await deleteCourse(c.get('deps'), params.course_id);
  return c.body(null, 204);
});
document(
  courseRoutes,
  createRoute({
    method: 'delete',
    path: '/courses/{course_id}',
    tags,
    summary: 'Remove a course run that has no enrollments',
    security: SECURITY.jwtOrApiKey,
    request: { params: CourseParams },
    responses: {
      204: { description: 'Removed' },
      ...errors,
      ...notFound,
      409: jsonContent(DeveloperError, 'The run has enrollments'),
    },
  }),
);
