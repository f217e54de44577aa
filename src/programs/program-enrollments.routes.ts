import { ServiceError } from '../lib/error-responses';
import { jsonContent } from '../lib/http';
import { route, SECURITY } from '../lib/route';
import { createRouter } from '../openapi';
import { listProgramEnrollments, writeProgramEnrollments } from './program-enrollments.service';
import { programInputStyle } from './program-errors';
import { STAFF_ERRORS, staffOrApp } from './program-guards';
import {
  BareMessage,
  DeveloperMessage,
  PageQuery,
  ProgramEnrollmentPage,
  ProgramParams,
  WriteResults,
} from './programs.schemas';
import type { WriteMethod } from './statuses';
import { documentRecords, programWriteBody } from './write-bodies';

/** Program enrollments of one program (docs/api/programs.md#list, #write): global staff JWT. */
export const programEnrollmentRoutes = createRouter();
const r = programEnrollmentRoutes;

const path = '/programs/{program_uuid}/enrollments';
const pattern = '/programs/:program_uuid/enrollments';
const common = {
  path,
  pattern,
  tags: ['Program enrollments'],
  security: SECURITY.jwt,
  middleware: staffOrApp(),
  input: programInputStyle,
};

// #list — every enrollment of the program, waiting or not.
route(r, {
  ...common,
  method: 'get',
  summary: "A program's enrollments (waiting or not), by id, cursor-paged",
  request: { params: ProgramParams, query: PageQuery },
  responses: {
    200: jsonContent(ProgramEnrollmentPage, 'One page'),
    ...STAFF_ERRORS,
    404: jsonContent(DeveloperMessage, '`program_does_not_exist`, or an invalid cursor'),
  },
  handler: async (c, { params, query }) =>
    c.json(await listProgramEnrollments(c.get('deps'), params.program_uuid, query, c.req.url)),
});

// #write — POST creates, PATCH updates, PUT does either; all-success is 201 for POST only.
const WRITES: Record<WriteMethod, { summary: string; allOk: 200 | 201 }> = {
  POST: { summary: 'Enroll learners by their partner keys (at most 25)', allOk: 201 },
  PATCH: { summary: 'Change the status of existing program enrollments (at most 25)', allOk: 200 },
  PUT: { summary: 'Create or update program enrollments (at most 25)', allOk: 200 },
};
documentRecords(r, 'program');
for (const [method, { summary, allOk }] of Object.entries(WRITES) as [WriteMethod, (typeof WRITES)[WriteMethod]][]) {
  route(r, {
    ...common,
    method: method.toLowerCase() as Lowercase<WriteMethod>,
    summary,
    description:
      'Each record gets a result: its new status, or `duplicated`, `conflict`, `invalid-status`, `not-in-program`. A key already linked through the program owner’s SSO provider is enrolled with its user; otherwise the enrollment waits for the link. The program is checked before the body is judged.',
    request: { params: ProgramParams, body: programWriteBody(method) },
    responses: {
      [allOk]: jsonContent(WriteResults, 'Every record succeeded'),
      207: jsonContent(WriteResults, 'Some records succeeded'),
      400: jsonContent(DeveloperMessage, 'Body is not JSON (`JSON parse error - …`)'),
      ...STAFF_ERRORS,
      404: jsonContent(DeveloperMessage, '`program_does_not_exist` (whatever the body)'),
      413: jsonContent(BareMessage.or(ServiceError), '`"enrollment limit 25"`, or a body over 1 MiB'),
      422: jsonContent(
        WriteResults.or(BareMessage),
        'No record succeeded (result map), or a malformed body/record (`"invalid enrollment record"`)',
      ),
    },
    handler: async (c, { params, body }) => {
      const { status, results } = await writeProgramEnrollments(c.get('deps'), params.program_uuid, method, body);
      return c.json(results, status);
    },
  });
}
