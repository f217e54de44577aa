import { jsonContent } from '../lib/http';
import { route } from '../lib/route';
import { createRouter } from '../openapi';
import {
  COHORTS_PATH,
  COHORTS_PATTERN,
  cohortErrors,
  cohortInputStyle,
  cohortNotFound,
  cohortRoute,
} from './cohort-http';
import { CohortError, CohortIdParams } from './cohorts.schemas';
import { MAX_MEMBER_IDENTIFIERS } from './members.plan';
import { AddMembersBody, AddMembersResult, MemberPage, MemberPageQuery, MemberParams } from './members.schemas';
import { addMembers, listMembers, removeMember } from './members.service';

/** `/api/cohorts/v1/courses/{course_id}/cohorts/{cohort_id}/users` (docs/api/cohorts.md#members; upstream CohortUsers). */
export const memberRoutes = createRouter();

const members = {
  ...cohortRoute,
  path: `${COHORTS_PATH}/{cohort_id}/users`,
  pattern: `${COHORTS_PATTERN}/:cohort_id/users`,
  input: cohortInputStyle({ codes: { users: 'users' }, missing: () => 'Missing users key in payload' }),
};
const member = { ...members, path: `${members.path}/{username}`, pattern: `${members.pattern}/:username` };

const ref = (params: { course_id: string; cohort_id: string }) => ({
  courseId: params.course_id,
  rawId: params.cohort_id,
});

const addResponses = {
  200: jsonContent(AddMembersResult, 'What each identifier did, grouped by outcome'),
  400: jsonContent(CohortError, 'No identifier (`missing-users`), or `users` neither a string nor a list of strings', {
    developer_message: 'Missing users key in payload',
    error_code: 'missing-users',
  }),
  ...cohortErrors,
  404: cohortNotFound,
};

route(memberRoutes, {
  ...members,
  method: 'get',
  summary: "A cohort's members, one page at a time (user id order)",
  request: { params: CohortIdParams, query: MemberPageQuery },
  responses: {
    200: jsonContent(MemberPage, 'One page'),
    ...cohortErrors,
    404: jsonContent(CohortError, 'No such course run or cohort, or a page out of range (`Invalid page.`)', {
      developer_message: 'Invalid page.',
    }),
  },
  handler: async (c, { params, query }) => c.json(await listMembers(c.get('deps'), ref(params), query, c.req.url)),
});

route(memberRoutes, {
  ...members,
  method: 'post',
  summary: 'Add members by username or e-mail; moves them from other cohorts of the run',
  request: {
    params: CohortIdParams,
    body: {
      schema: AddMembersBody,
      required: true,
      media: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
    },
  },
  responses: {
    ...addResponses,
    413: jsonContent(CohortError, `More than ${MAX_MEMBER_IDENTIFIERS} identifiers, or a body over 1 MiB`, {
      developer_message: `${MAX_MEMBER_IDENTIFIERS + 1} identifiers in one request; at most ${MAX_MEMBER_IDENTIFIERS}. Split the list.`,
      error_code: 'too_many_identifiers',
    }),
  },
  handler: async (c, { params, body }) => c.json(await addMembers(c.get('deps'), ref(params), body.users)),
});

route(memberRoutes, {
  ...member,
  method: 'post',
  summary: 'Add one member named in the path (username or e-mail; no body is read)',
  request: { params: MemberParams },
  responses: addResponses,
  handler: async (c, { params }) => c.json(await addMembers(c.get('deps'), ref(params), [params.username])),
});

route(memberRoutes, {
  ...member,
  method: 'delete',
  summary: 'Remove a member (by username) from the cohort',
  request: { params: MemberParams },
  responses: {
    204: { description: 'Removed.' },
    400: jsonContent(CohortError, 'The user is not in this cohort', {
      developer_message: 'User not assigned to the given cohort.',
      error_code: 'user-not-in-cohort',
    }),
    ...cohortErrors,
    404: jsonContent(CohortError, 'No such course run, cohort (`cohort-not-found`) or user (`user-not-found`)', {
      developer_message: 'User does not exist.',
      error_code: 'user-not-found',
    }),
  },
  handler: async (c, { params }) => {
    await removeMember(c.get('deps'), ref(params), params.username);
    return c.body(null, 204);
  },
});
