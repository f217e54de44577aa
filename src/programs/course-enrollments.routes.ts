import { ServiceError } from '../lib/error-responses';
import { COURSE_ID_PARAM, jsonContent } from '../lib/http';
import { route, SECURITY } from '../lib/route';
import { createRouter } from '../openapi';
import { listCourseEnrollments, writeCourseEnrollments } from './course-enrollments.service';
import { listGrades } from './grades.service';
import { programInputStyle } from './program-errors';
import { STAFF_ERRORS, staffOrApp } from './program-guards';
import {
  BareMessage,
  CourseEnrollmentPage,
  DeveloperMessage,
  GradePage,
  PageQuery,
  ProgramCourseParams,
  WriteResults,
} from './programs.schemas';
import type { WriteMethod } from './statuses';
import { courseWriteBody, documentRecords } from './write-bodies';

/** A run's enrollments and grades within a program (docs/api/programs.md#course-list, #course-write, #grades): global staff JWT. */
export const courseEnrollmentRoutes = createRouter();
const r = courseEnrollmentRoutes;

const COURSE = '/programs/{program_uuid}/courses/{course_id}';
const PATTERN = `/programs/:program_uuid/courses/${COURSE_ID_PARAM}`;
const common = {
  tags: ['Program enrollments'],
  security: SECURITY.jwt,
  middleware: staffOrApp(),
  input: programInputStyle,
};
const NOT_FOUND = jsonContent(
  DeveloperMessage,
  '`program_does_not_exist`, `invalid_course_key`, `course_does_not_exist`, `no_active_curriculum`, `course_not_in_program`',
);

// #course-list — the run need not be in the program (baseline).
route(r, {
  ...common,
  method: 'get',
  path: `${COURSE}/enrollments`,
  pattern: `${PATTERN}/enrollments`,
  summary: "A run's program-course enrollments within the program, by id, cursor-paged",
  description: 'As upstream’s baseline, the run need not be in the program’s curriculum (an empty page then).',
  request: { params: ProgramCourseParams, query: PageQuery },
  responses: {
    200: jsonContent(CourseEnrollmentPage, 'One page'),
    ...STAFF_ERRORS,
    404: jsonContent(DeveloperMessage, '`invalid_course_key`, `course_does_not_exist`, `program_does_not_exist`'),
  },
  handler: async (c, { params, query }) =>
    c.json(await listCourseEnrollments(c.get('deps'), params.program_uuid, params.course_id, query, c.req.url)),
});

// #course-write — every method answers 200 when all records succeed (no 201 here).
const WRITES: Record<WriteMethod, string> = {
  POST: 'Enroll program learners in a run of the active curriculum (at most 25)',
  PATCH: 'Change the status of existing program-course enrollments (at most 25)',
  PUT: 'Create or update program-course enrollments (at most 25)',
};
documentRecords(r, 'course');
for (const [method, summary] of Object.entries(WRITES) as [WriteMethod, string][]) {
  route(r, {
    ...common,
    method: method.toLowerCase() as Lowercase<WriteMethod>,
    path: `${COURSE}/enrollments`,
    pattern: `${PATTERN}/enrollments`,
    summary,
    description:
      'Results: `active`/`inactive`, or `duplicated`, `conflict`, `invalid-status`, `not-in-program`, `not-found`. A linked learner is enrolled in `masters` mode (an active audit/honor enrollment is upgraded, other modes kept); a learner active in the run through another program is a `conflict`. The program and run are checked before the body is judged.',
    request: { params: ProgramCourseParams, body: courseWriteBody() },
    responses: {
      200: jsonContent(WriteResults, 'Every record succeeded (also for POST)'),
      207: jsonContent(WriteResults, 'Some records succeeded'),
      400: jsonContent(BareMessage.or(DeveloperMessage), 'Malformed body or record (`"invalid enrollment record"`)'),
      ...STAFF_ERRORS,
      404: NOT_FOUND,
      413: jsonContent(BareMessage.or(ServiceError), '`"enrollment limit 25"`, or a body over 1 MiB'),
      422: jsonContent(WriteResults, 'No record succeeded'),
    },
    handler: async (c, { params, body }) => {
      const deps = c.get('deps');
      const { program_uuid, course_id } = params;
      const { status, results } = await writeCourseEnrollments(
        deps,
        c.get('principal'),
        program_uuid,
        course_id,
        method,
        body,
      );
      return c.json(results, status);
    },
  });
}

// #grades — grades of the run's realised program learners.
route(r, {
  ...common,
  method: 'get',
  path: `${COURSE}/grades`,
  pattern: `${PATTERN}/grades`,
  summary: 'Course grades of the realised program learners of a run, cursor-paged',
  description:
    'A learner without a provisioned grade gets the zero grade. An empty page is 200 with an empty `results` (upstream answers 204 with that body).',
  request: { params: ProgramCourseParams, query: PageQuery },
  responses: {
    200: jsonContent(GradePage, 'No grade errors on the page (or an empty page)'),
    207: jsonContent(GradePage, 'Some grades could not be computed'),
    422: jsonContent(GradePage, 'No grade on the page could be computed'),
    ...STAFF_ERRORS,
    404: NOT_FOUND,
  },
  handler: async (c, { params, query }) => {
    const { status, body } = await listGrades(c.get('deps'), params.program_uuid, params.course_id, query, c.req.url);
    return c.json(body, status);
  },
});
