import { COURSE_ID_PARAM, jsonContent } from '../lib/http';
import { serviceStyle } from '../lib/input-styles';
import { route } from '../lib/route';
import { createRouter } from '../openapi';
import {
  CourseRoleParams,
  CourseUserParams,
  INVALID_REQUEST,
  jsonBody,
  RoleBody,
  RoleResource,
  refusal,
} from './provisioning.schemas';
import { grantCourseRole, revokeCourseRole } from './roles.service';
import { ACCESS_ERRORS, serviceOnly } from './service-guards';

/** Course roles (docs/api/provisioning.md#roles). */
export const roleRoutes = createRouter();
const r = roleRoutes;

const common = { tags: ['Provisioning: courses'], ...serviceOnly(), input: serviceStyle };

route(r, {
  ...common,
  method: 'put',
  path: '/courses/{course_id}/roles/{username}',
  pattern: `/courses/${COURSE_ID_PARAM}/roles/:username`,
  summary: 'Grant a course role (`staff` or `instructor`)',
  request: { params: CourseUserParams, body: jsonBody(RoleBody) },
  responses: {
    200: jsonContent(RoleResource, 'Already held'),
    201: jsonContent(RoleResource, 'Granted'),
    400: INVALID_REQUEST,
    ...ACCESS_ERRORS,
    404: refusal('No such course run or user'),
  },
  handler: async (c, { params, body }) => {
    const { created, role } = await grantCourseRole(c.get('deps'), params.course_id, params.username, body.role);
    return c.json(role, created ? 201 : 200);
  },
});

route(r, {
  ...common,
  method: 'delete',
  path: '/courses/{course_id}/roles/{username}/{role}',
  pattern: `/courses/${COURSE_ID_PARAM}/roles/:username/:role`,
  summary: 'Revoke a course role',
  request: { params: CourseRoleParams },
  responses: {
    204: { description: 'Revoked' },
    400: INVALID_REQUEST,
    ...ACCESS_ERRORS,
    404: refusal('No such course run or user, or the role is not held'),
  },
  handler: async (c, { params }) => {
    await revokeCourseRole(c.get('deps'), params.course_id, params.username, params.role);
    return c.body(null, 204);
  },
});
