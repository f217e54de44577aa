import type { z } from '@hono/zod-openapi';
import { developerError } from '../lib/errors';
import { COURSE_ID_PARAM, jsonContent } from '../lib/http';
import { type InputStyle, serviceStyle } from '../lib/input-styles';
import { route } from '../lib/route';
import { isRootTypeIssue } from '../lib/zod-issues';
import { createRouter } from '../openapi';
import {
  CertificateBody,
  CertificateResource,
  DueDatesBody,
  DueDatesResource,
  GradeBody,
  GradeResource,
  ProgressBody,
  ProgressResource,
} from './learner-records.schemas';
import { putCertificate, putDueDates, putGrade, putProgress } from './learner-records.service';
import { CourseParams, CourseUserParams, INVALID_REQUEST, jsonBody, refusal } from './provisioning.schemas';
import { ACCESS_ERRORS, serviceOnly } from './service-guards';

/** Grades, certificates, progress and due dates the program APIs report (docs/api/provisioning.md#learner-records). */
export const learnerRecordRoutes = createRouter();
const r = learnerRecordRoutes;

const common = { tags: ['Provisioning: programs'], ...serviceOnly(), input: serviceStyle };

/** What the declarations of one learner's record in a run share: created (201) or replaced (200). */
const learnerRecord = (segment: string, resource: z.ZodType) => ({
  ...common,
  method: 'put' as const,
  path: `/courses/{course_id}/${segment}/{username}`,
  pattern: `/courses/${COURSE_ID_PARAM}/${segment}/:username`,
  responses: {
    200: jsonContent(resource, 'Replaced'),
    201: jsonContent(resource, 'Created'),
    400: INVALID_REQUEST,
    ...ACCESS_ERRORS,
    404: refusal('No such course run or user (`course_not_found`, `user_not_found`)'),
  },
});

route(r, {
  ...learnerRecord('grades', GradeResource),
  summary: 'A learner’s course grade, or why it cannot be computed',
  request: { params: CourseUserParams, body: jsonBody(GradeBody) },
  handler: async (c, { params, body }) => {
    const { created, grade } = await putGrade(c.get('deps'), params.course_id, params.username, body);
    return c.json(grade, created ? 201 : 200);
  },
});

route(r, {
  ...learnerRecord('certificates', CertificateResource),
  summary: 'A learner’s certificate (`created` defaults to now)',
  request: { params: CourseUserParams, body: jsonBody(CertificateBody) },
  handler: async (c, { params, body }) => {
    const { created, certificate } = await putCertificate(c.get('deps'), params.course_id, params.username, body);
    return c.json(certificate, created ? 201 : 200);
  },
});

route(r, {
  ...learnerRecord('progress', ProgressResource),
  summary: 'A learner’s last-visited block and course e-mail opt-out',
  request: { params: CourseUserParams, body: jsonBody(ProgressBody) },
  handler: async (c, { params, body }) => {
    const { created, progress } = await putProgress(c.get('deps'), params.course_id, params.username, body);
    return c.json(progress, created ? 201 : 200);
  },
});

const NOT_A_LIST = 'Request body must be a JSON array of {name, url, date}.';
/** The service style words a wrong root type as "must be a JSON object"; this body is a list. */
const listStyle: InputStyle = {
  ...serviceStyle,
  invalid: (issues) =>
    issues.some((issue) => issue.in === 'body' && isRootTypeIssue(issue))
      ? developerError(400, 'invalid_request', NOT_A_LIST)
      : serviceStyle.invalid(issues),
};

route(r, {
  ...common,
  input: listStyle,
  method: 'put',
  path: '/courses/{course_id}/due-dates',
  pattern: `/courses/${COURSE_ID_PARAM}/due-dates`,
  summary: 'Replace the subsection due dates of a run (`[]` clears them)',
  request: { params: CourseParams, body: jsonBody(DueDatesBody) },
  responses: {
    200: jsonContent(DueDatesResource, 'Stored, in the order given'),
    400: {
      ...INVALID_REQUEST,
      description: `Invalid field(s), each named in \`field_errors\`; not a list: "${NOT_A_LIST}"`,
    },
    ...ACCESS_ERRORS,
    404: refusal('No such course run (`course_not_found`)'),
  },
  handler: async (c, { params, body }) => c.json(await putDueDates(c.get('deps'), params.course_id, body)),
});
