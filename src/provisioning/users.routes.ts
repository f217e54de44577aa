import { jsonContent } from '../lib/http';
import { serviceStyle } from '../lib/input-styles';
import { route } from '../lib/route';
import { createRouter } from '../openapi';
import { getUser, putUser, retireUser } from '../users/users.service';
import {
  INVALID_REQUEST,
  jsonBody,
  RetirementBody,
  RetirementResource,
  refusal,
  UserBody,
  UserParams,
  UserResource,
} from './provisioning.schemas';
import { ACCESS_ERRORS, serviceOnly } from './service-guards';

/** Users pushed by the LMS (docs/api/provisioning.md#users, #retirement). */
export const userRoutes = createRouter();
const r = userRoutes;

const common = { tags: ['Provisioning: users'], ...serviceOnly(), input: serviceStyle };
const NO_USER = refusal('No such user (`user_not_found`).');

route(r, {
  ...common,
  method: 'put',
  path: '/users/{username}',
  summary: 'Create or replace a user',
  request: { params: UserParams, body: jsonBody(UserBody) },
  responses: {
    200: jsonContent(UserResource, 'Replaced'),
    201: jsonContent(UserResource, 'Created'),
    400: INVALID_REQUEST,
    ...ACCESS_ERRORS,
  },
  handler: async (c, { params, body }) => {
    const { created, user } = await putUser(c.get('deps'), params.username, body);
    return c.json(user, created ? 201 : 200);
  },
});

route(r, {
  ...common,
  method: 'get',
  path: '/users/{username}',
  summary: 'A stored user, with its per-organization e-mail opt-in',
  request: { params: UserParams },
  responses: { 200: jsonContent(UserResource, 'The user'), 400: INVALID_REQUEST, ...ACCESS_ERRORS, 404: NO_USER },
  handler: async (c, { params }) => c.json(await getUser(c.get('deps'), params.username)),
});

route(r, {
  ...common,
  method: 'put',
  path: '/users/{username}/retirement',
  summary: 'Mark a user as being retired (keeps the original username and e-mail)',
  // The body carries nothing; an empty one is `{}`.
  request: { params: UserParams, body: { schema: RetirementBody } },
  responses: {
    200: jsonContent(RetirementResource, 'Already marked; the first record'),
    201: jsonContent(RetirementResource, 'Marked'),
    400: INVALID_REQUEST,
    ...ACCESS_ERRORS,
    404: NO_USER,
  },
  handler: async (c, { params }) => {
    const { created, retirement } = await retireUser(c.get('deps'), params.username);
    return c.json(retirement, created ? 201 : 200);
  },
});
