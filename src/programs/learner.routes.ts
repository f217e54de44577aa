import { z } from '@hono/zod-openapi';
import { errorResponse, errorResponses } from '../lib/error-responses';
import { jsonContent } from '../lib/http';
import { route, SECURITY } from '../lib/route';
import { createRouter } from '../openapi';
import { readOnlyAccess } from './access.service';
import { learnerProgramCourses, programOverview } from './overview.service';
import { programInputStyle } from './program-errors';
import { signedIn } from './program-guards';
import {
  DashboardPage,
  DashboardQuery,
  DeveloperMessage,
  Overview,
  ProgramAccessList,
  ProgramParams,
  UserProgramParams,
} from './programs.schemas';

/** Endpoints for signed-in users (docs/api/programs.md#access-list, #overview, #dashboard). */
export const programLearnerRoutes = createRouter();
const r = programLearnerRoutes;

const PROGRAM = ':program_uuid';
const common = {
  tags: ['Program enrollments'],
  security: SECURITY.jwt,
  middleware: signedIn(),
  input: programInputStyle,
};
const forbidden = (description: string) => errorResponse('developer', 403, description);

// #access-list — the read-only access list, under both upstream paths.
for (const path of ['/programs/enrollments', '/programs/readonly_access']) {
  route(r, {
    ...common,
    method: 'get',
    path,
    summary: 'Programs the caller may read (global staff: all of a type; course staff: theirs; learners: enrolled)',
    request: {
      query: z.object({
        type: z.string().optional().openapi({ description: 'Program type, compared lower-cased; default `masters`.' }),
      }),
    },
    responses: {
      200: jsonContent(ProgramAccessList, 'Not paginated; `[]` when nothing matches'),
      ...errorResponses('developer', 401),
      403: forbidden('A restricted application'),
    },
    handler: async (c, { query }) => c.json(await readOnlyAccess(c.get('deps'), c.get('principal'), query.type)),
  });
}

// #overview — the overview of the caller's course runs in a program.
route(r, {
  ...common,
  method: 'get',
  path: '/programs/{program_uuid}/overview',
  pattern: `/programs/${PROGRAM}/overview`,
  summary: "The caller's active verified/masters course runs of a program they are `enrolled` in",
  request: { params: ProgramParams },
  responses: {
    200: jsonContent(Overview, 'The course runs'),
    ...errorResponses('developer', 401),
    403: forbidden('Not `enrolled` in the program, or a restricted application'),
    404: jsonContent(DeveloperMessage, '`program_does_not_exist`'),
  },
  handler: async (c, { params }) =>
    c.json(await programOverview(c.get('deps'), c.get('principal'), params.program_uuid)),
});

// #dashboard — the learner program dashboard: same records, paged.
route(r, {
  ...common,
  method: 'get',
  path: '/users/{username}/programs/{program_uuid}/courses',
  pattern: `/users/:username/programs/${PROGRAM}/courses`,
  summary: "The caller's own course runs of a program, cursor-paged (default 10, at most 25)",
  request: { params: UserProgramParams, query: DashboardQuery },
  responses: {
    200: jsonContent(DashboardPage, 'One page'),
    ...errorResponses('developer', 401),
    403: forbidden('Another user, not `enrolled` in the program, or a restricted application'),
    404: jsonContent(DeveloperMessage, '`program_does_not_exist`, or an invalid cursor'),
  },
  handler: async (c, { params, query }) =>
    c.json(
      await learnerProgramCourses(
        c.get('deps'),
        c.get('principal'),
        params.username,
        params.program_uuid,
        query,
        c.req.url,
      ),
    ),
});
