import { createRoute } from '@hono/zod-openapi';
import { jsonContent } from '../lib/http';
import { createRouter, document, SECURITY } from '../openapi';
import { getUser, putUser, retireUser } from '../users/users.service';
import {
  DeveloperError,
  RetirementBody,
  RetirementResource,
  UserBody,
  UserParams,
  UserResource,
} from './provisioning.schemas';
import { allValid, check, readJson, serviceOnly } from './request';

export const userRoutes = createRouter();

const errors = {
  400: jsonContent(DeveloperError, 'Invalid field(s), each named in `field_errors`'),
  401: jsonContent(DeveloperError, 'No credentials'),
  403: jsonContent(DeveloperError, 'Neither the API key nor global staff'),
};
const tags = ['Provisioning: users'];

userRoutes.put('/users/:username', serviceOnly(), async (c) => {
  const [params, body] = allValid(check(UserParams, c.req.param()), check(UserBody, await readJson(c)));
  const { created, user } = await putUser(c.get('deps'), params.username, body);
  return c.json(user, created ? 201 : 200);
});
document(
  userRoutes,
  createRoute({
    method: 'put',
    path: '/users/{username}',
    tags,
    summary: 'Create or replace a user',
    security: SECURITY.jwtOrApiKey,
    request: { params: UserParams, body: { content: { 'application/json': { schema: UserBody } }, required: true } },
    responses: {
      200: jsonContent(UserResource, 'Replaced'),
      201: jsonContent(UserResource, 'Created'),
      ...errors,
    },
  }),
);

userRoutes.get('/users/:username', serviceOnly(), async (c) => {
  const [params] = allValid(check(UserParams, c.req.param()));
  return c.json(await getUser(c.get('deps'), params.username));
});
document(
  userRoutes,
  createRoute({
    method: 'get',
    path: '/users/{username}',
    tags,
    summary: 'A stored user, with its per-organization e-mail opt-in',
    security: SECURITY.jwtOrApiKey,
    request: { params: UserParams },
    responses: {
      200: jsonContent(UserResource, 'The user'),
      ...errors,
      404: jsonContent(DeveloperError, 'No such user'),
    },
  }),
);

userRoutes.put('/users/:username/retirement', serviceOnly(), async (c) => {
  // The body carries nothing; an empty one is taken as `{}`.
  const [params] = allValid(check(UserParams, c.req.param()), check(RetirementBody, (await readJson(c)) ?? {}));
  const { created, retirement } = await retireUser(c.get('deps'), params.username);
  return c.json(retirement, created ? 201 : 200);
});
document(
  userRoutes,
  createRoute({
    method: 'put',
    path: '/users/{username}/retirement',
    tags,
    summary: 'Mark a user as being retired (keeps the original username and e-mail)',
    security: SECURITY.jwtOrApiKey,
    request: { params: UserParams, body: { content: { 'application/json': { schema: RetirementBody } } } },
    responses: {
      200: jsonContent(RetirementResource, 'Already marked; the first record'),
      201: jsonContent(RetirementResource, 'Marked'),
      ...errors,
      404: jsonContent(DeveloperError, 'No such user'),
    },
  }),
);
