import { createRoute, type z } from '@hono/zod-openapi';
import { COURSE_ID_PARAM, jsonContent } from '../lib/http';
import { createRouter, document, SECURITY } from '../openapi';
import { listCourseEnrollments, writeCourseEnrollments } from './course-enrollments.service';
import { listGrades } from './grades.service';
import { listProgramEnrollments, writeProgramEnrollments } from './program-enrollments.service';
import {
  BareMessage,
  CourseEnrollmentPage,
  CourseEnrollmentWrite,
  DeveloperMessage,
  GradePage,
  PageQuery,
  PROGRAM_UUID_PATTERN,
  ProgramCourseParams,
  ProgramEnrollmentPage,
  ProgramEnrollmentWrite,
  ProgramParams,
  WriteResults,
} from './programs.schemas';
import { readWriteBody, staffOrApp, writeMethod } from './request';

/** Staff endpoints of program-enrollments.md §4, §6 and §8.1 (global staff JWT). */
export const programEnrollmentRoutes = createRouter();
const r = programEnrollmentRoutes;

const PROGRAM = `/programs/:program_uuid{${PROGRAM_UUID_PATTERN}}`;
const COURSE = `${PROGRAM}/courses/${COURSE_ID_PARAM}`;
const WRITE_METHODS = ['post', 'patch', 'put'] as const;
const tags = ['Program enrollments'];
const access = {
  401: jsonContent(DeveloperMessage, 'No JWT'),
  403: jsonContent(DeveloperMessage, 'Not global staff (restricted applications included)'),
};

// §4 — program enrollments.
r.get(`${PROGRAM}/enrollments`, staffOrApp(), async (c) =>
  c.json(await listProgramEnrollments(c.get('deps'), c.req.param('program_uuid'), c.req.query(), c.req.url)),
);
r.on(['POST', 'PATCH', 'PUT'], `${PROGRAM}/enrollments`, staffOrApp(), async (c) => {
  const body = await readWriteBody(c);
  const { status, results } = await writeProgramEnrollments(
    c.get('deps'),
    c.req.param('program_uuid'),
    writeMethod(c),
    body,
  );
  return c.json(results, status);
});

document(
  r,
  createRoute({
    method: 'get',
    path: '/programs/{program_uuid}/enrollments',
    tags,
    summary: "A program's enrollments (waiting or not), by id, cursor-paged",
    security: SECURITY.jwt,
    request: { params: ProgramParams, query: PageQuery },
    responses: {
      200: jsonContent(ProgramEnrollmentPage, 'One page'),
      ...access,
      404: jsonContent(DeveloperMessage, '`program_does_not_exist`, or an invalid cursor'),
    },
  }),
);
const programWriteDoc: Record<(typeof WRITE_METHODS)[number], [string, string]> = {
  post: ['Enroll learners by their partner keys (at most 25)', '201'],
  patch: ['Change the status of existing program enrollments (at most 25)', '200'],
  put: ['Create or update program enrollments (at most 25)', '200'],
};
for (const method of WRITE_METHODS) {
  const [summary, allOk] = programWriteDoc[method];
  document(
    r,
    createRoute({
      method,
      path: '/programs/{program_uuid}/enrollments',
      tags,
      summary,
      description:
        'Each record gets a result: its new status, or `duplicated`, `conflict`, `invalid-status`, `not-in-program`. A key already linked through the program owner’s SSO provider is enrolled with its user; otherwise the enrollment waits for the link.',
      security: SECURITY.jwt,
      request: {
        params: ProgramParams,
        body: {
          content: {
            'application/json': {
              schema: (method === 'patch'
                ? ProgramEnrollmentWrite.pick({ student_key: true, status: true })
                : ProgramEnrollmentWrite
              ).array() as z.ZodType,
            },
          },
          required: true,
        },
      },
      responses: {
        [allOk]: jsonContent(WriteResults, 'Every record succeeded'),
        207: jsonContent(WriteResults, 'Some records succeeded'),
        400: jsonContent(DeveloperMessage, 'Body is not JSON'),
        ...access,
        404: jsonContent(DeveloperMessage, '`program_does_not_exist`'),
        413: jsonContent(BareMessage, '`"enrollment limit 25"`'),
        422: jsonContent(
          WriteResults.or(BareMessage),
          'No record succeeded (result map), or a malformed body/record (`"invalid enrollment record"`)',
        ),
      },
    }),
  );
}

// §6 — program-course enrollments.
r.get(`${COURSE}/enrollments`, staffOrApp(), async (c) =>
  c.json(
    await listCourseEnrollments(
      c.get('deps'),
      c.req.param('program_uuid'),
      c.req.param('course_id'),
      c.req.query(),
      c.req.url,
    ),
  ),
);
r.on(['POST', 'PATCH', 'PUT'], `${COURSE}/enrollments`, staffOrApp(), async (c) => {
  const body = await readWriteBody(c);
  const { status, results } = await writeCourseEnrollments(
    c.get('deps'),
    c.get('principal'),
    c.req.param('program_uuid'),
    c.req.param('course_id'),
    writeMethod(c),
    body,
  );
  return c.json(results, status);
});

const courseNotFound =
  '`program_does_not_exist`, `invalid_course_key`, `course_does_not_exist`, `no_active_curriculum`, `course_not_in_program`';
document(
  r,
  createRoute({
    method: 'get',
    path: '/programs/{program_uuid}/courses/{course_id}/enrollments',
    tags,
    summary: "A run's program-course enrollments within the program, by id, cursor-paged",
    description: 'As upstream’s baseline, the run need not be in the program’s curriculum (an empty page then).',
    security: SECURITY.jwt,
    request: { params: ProgramCourseParams, query: PageQuery },
    responses: {
      200: jsonContent(CourseEnrollmentPage, 'One page'),
      ...access,
      404: jsonContent(DeveloperMessage, '`invalid_course_key`, `course_does_not_exist`, `program_does_not_exist`'),
    },
  }),
);
const courseWriteDoc: Record<(typeof WRITE_METHODS)[number], string> = {
  post: 'Enroll program learners in a run of the active curriculum (at most 25)',
  patch: 'Change the status of existing program-course enrollments (at most 25)',
  put: 'Create or update program-course enrollments (at most 25)',
};
for (const method of WRITE_METHODS) {
  document(
    r,
    createRoute({
      method,
      path: '/programs/{program_uuid}/courses/{course_id}/enrollments',
      tags,
      summary: courseWriteDoc[method],
      description:
        'Results: `active`/`inactive`, or `duplicated`, `conflict`, `invalid-status`, `not-in-program`, `not-found`. A linked learner is enrolled in `masters` mode (an active audit/honor enrollment is upgraded, other modes kept); a learner active in the run through another program is a `conflict`.',
      security: SECURITY.jwt,
      request: {
        params: ProgramCourseParams,
        body: { content: { 'application/json': { schema: CourseEnrollmentWrite.array() } }, required: true },
      },
      responses: {
        200: jsonContent(WriteResults, 'Every record succeeded (also for POST)'),
        207: jsonContent(WriteResults, 'Some records succeeded'),
        400: jsonContent(BareMessage.or(DeveloperMessage), 'Malformed body or record (`"invalid enrollment record"`)'),
        ...access,
        404: jsonContent(DeveloperMessage, courseNotFound),
        413: jsonContent(BareMessage, '`"enrollment limit 25"`'),
        422: jsonContent(WriteResults, 'No record succeeded'),
      },
    }),
  );
}

// §8.1 — grades of the run's realised program learners.
r.get(`${COURSE}/grades`, staffOrApp(), async (c) => {
  const { status, body } = await listGrades(
    c.get('deps'),
    c.req.param('program_uuid'),
    c.req.param('course_id'),
    c.req.query(),
    c.req.url,
  );
  return c.json(body, status);
});
document(
  r,
  createRoute({
    method: 'get',
    path: '/programs/{program_uuid}/courses/{course_id}/grades',
    tags,
    summary: 'Course grades of the realised program learners of a run, cursor-paged',
    description:
      'A learner without a provisioned grade gets the zero grade. An empty page is 200 with an empty `results` (upstream answers 204 with that body).',
    security: SECURITY.jwt,
    request: { params: ProgramCourseParams, query: PageQuery },
    responses: {
      200: jsonContent(GradePage, 'No grade errors on the page (or an empty page)'),
      207: jsonContent(GradePage, 'Some grades could not be computed'),
      422: jsonContent(GradePage, 'No grade on the page could be computed'),
      ...access,
      404: jsonContent(DeveloperMessage, courseNotFound),
    },
  }),
);
