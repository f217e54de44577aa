import { createRoute } from '@hono/zod-openapi';
import { COURSE_ID_PARAM, jsonContent } from '../lib/http';
import { createRouter, document, SECURITY } from '../openapi';
import { CourseRoleParams, CourseUserParams, DeveloperError, RoleBody, RoleResource } from './provisioning.schemas';
import { allValid, check, readJson, serviceOnly } from './request';
import { grantCourseRole, revokeCourseRole } from './roles.service';

export const roleRoutes = createRouter();

const errors = {
  400: jsonContent(DeveloperError, 'Invalid field(s), each named in `field_errors`'),
  401: jsonContent(DeveloperError, 'No credentials'),
  403: jsonContent(DeveloperError, 'Neither the API key nor global staff'),
};
const tags = ['Provisioning: courses'];

roleRoutes.put(`/courses/${COURSE_ID_PARAM}/roles/:username`, serviceOnly(), async (c) => {
  const [params, body] = allValid(check(CourseUserParams, c.req.param()), check(RoleBody, await readJson(c)));
  const { created, role } = await grantCourseRole(c.get('deps'), params.course_id, params.username, body.role);
  return c.json(role, created ? 201 : 200);
});
document(
  roleRoutes,
  createRoute({
    method: 'put',
    path: '/courses/{course_id}/roles/{username}',
    tags,
    summary: 'Grant a course role (`staff` or `instructor`)',
    security: SECURITY.jwtOrApiKey,
    request: {
      params: CourseUserParams,
      body: { content: { 'application/json': { schema: RoleBody } }, required: true },
    },
    responses: {
      200: jsonContent(RoleResource, 'Already held'),
      201: jsonContent(RoleResource, 'Granted'),
      ...errors,
      404: jsonContent(DeveloperError, 'No such course run or user'),
    },
  }),
);

roleRoutes.delete(`/courses/${COURSE_ID_PARAM}/roles/:username/:role`, serviceOnly(), async (c) => {
  const [params] = allValid(check(CourseRoleParams, c.req.param()));
  await revokeCourseRole(c.get('deps'), params.course_id, params.username, params.role);
  return c.body(null, 204);
});
document(
  roleRoutes,
  createRoute({
    method: 'delete',
    path: '/courses/{course_id}/roles/{username}/{role}',
    tags,
    summary: 'Revoke a course role',
    security: SECURITY.jwtOrApiKey,
    request: { params: CourseRoleParams },
    responses: {
      204: { description: 'Revoked' },
      ...errors,
      404: jsonContent(DeveloperError, 'No such course run or user, or the role is not held'),
    },
  }),
);
