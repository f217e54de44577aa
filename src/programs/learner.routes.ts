import { createRoute, z } from '@hono/zod-openapi';
import { jsonContent } from '../lib/http';
import { createRouter, document, SECURITY } from '../openapi';
import { readOnlyAccess } from './access.service';
import { learnerProgramCourses, programOverview } from './overview.service';
import {
  DashboardPage,
  DashboardQuery,
  DeveloperMessage,
  Overview,
  PROGRAM_UUID_PATTERN,
  ProgramAccessList,
  ProgramParams,
  UserProgramParams,
} from './programs.schemas';
import { signedIn } from './request';

/** Endpoints for signed-in users (program-enrollments.md §5, §9, §11). */
export const programLearnerRoutes = createRouter();
const r = programLearnerRoutes;

const PROGRAM = `:program_uuid{${PROGRAM_UUID_PATTERN}}`;
const tags = ['Program enrollments'];
const access = {
  401: jsonContent(DeveloperMessage, 'No JWT'),
  403: jsonContent(DeveloperMessage, 'A restricted application'),
};

// §5 — the read-only access list, under both upstream paths.
for (const path of ['/programs/enrollments', '/programs/readonly_access']) {
  r.get(path, signedIn(), async (c) =>
    c.json(await readOnlyAccess(c.get('deps'), c.get('principal'), c.req.query('type'))),
  );
  document(
    r,
    createRoute({
      method: 'get',
      path,
      tags,
      summary: 'Programs the caller may read (global staff: all of a type; course staff: theirs; learners: enrolled)',
      security: SECURITY.jwt,
      request: {
        query: z.object({ type: z.string().optional().openapi({ description: 'Program type, default `masters`.' }) }),
      },
      responses: { 200: jsonContent(ProgramAccessList, 'Not paginated; `[]` when nothing matches'), ...access },
    }),
  );
}

// §9 — the overview of the caller's course runs in a program.
r.get(`/programs/${PROGRAM}/overview`, signedIn(), async (c) =>
  c.json(await programOverview(c.get('deps'), c.get('principal'), c.req.param('program_uuid'))),
);
document(
  r,
  createRoute({
    method: 'get',
    path: '/programs/{program_uuid}/overview',
    tags,
    summary: "The caller's active verified/masters course runs of a program they are `enrolled` in",
    security: SECURITY.jwt,
    request: { params: ProgramParams },
    responses: {
      200: jsonContent(Overview, 'The course runs'),
      401: access[401],
      403: jsonContent(DeveloperMessage, 'Not `enrolled` in the program, or a restricted application'),
      404: jsonContent(DeveloperMessage, '`program_does_not_exist`'),
    },
  }),
);

// §11 — the learner program dashboard: same records, paged.
r.get(`/users/:username/programs/${PROGRAM}/courses`, signedIn(), async (c) =>
  c.json(
    await learnerProgramCourses(
      c.get('deps'),
      c.get('principal'),
      c.req.param('username'),
      c.req.param('program_uuid'),
      c.req.query(),
      c.req.url,
    ),
  ),
);
document(
  r,
  createRoute({
    method: 'get',
    path: '/users/{username}/programs/{program_uuid}/courses',
    tags,
    summary: "The caller's own course runs of a program, cursor-paged (default 10, at most 25)",
    security: SECURITY.jwt,
    request: { params: UserProgramParams, query: DashboardQuery },
    responses: {
      200: jsonContent(DashboardPage, 'One page'),
      401: access[401],
      403: jsonContent(DeveloperMessage, 'Another user, not `enrolled` in the program, or a restricted application'),
      404: jsonContent(DeveloperMessage, '`program_does_not_exist`, or an invalid cursor'),
    },
  }),
);
