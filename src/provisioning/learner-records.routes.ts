import { createRoute, type z } from '@hono/zod-openapi';
import { developerError } from '../lib/errors';
import { COURSE_ID_PARAM, jsonContent } from '../lib/http';
import { createRouter, document, SECURITY } from '../openapi';
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
import { CourseParams, CourseUserParams, DeveloperError } from './provisioning.schemas';
import { allValid, check, readJson, serviceOnly } from './request';

/** Grades, certificates, progress and due dates: what the program APIs report (§8.1, §9). */
export const learnerRecordRoutes = createRouter();
const r = learnerRecordRoutes;

const errors = {
  400: jsonContent(DeveloperError, 'Invalid field(s), each named in `field_errors`'),
  401: jsonContent(DeveloperError, 'No credentials'),
  403: jsonContent(DeveloperError, 'Neither the API key nor global staff'),
};
const tags = ['Provisioning: programs'];
const body = (schema: z.ZodType) => ({ content: { 'application/json': { schema } }, required: true });
const LEARNER = `/courses/${COURSE_ID_PARAM}`;

r.put(`${LEARNER}/grades/:username`, serviceOnly(), async (c) => {
  const [params, input] = allValid(check(CourseUserParams, c.req.param()), check(GradeBody, await readJson(c)));
  const { created, grade } = await putGrade(c.get('deps'), params.course_id, params.username, input);
  return c.json(grade, created ? 201 : 200);
});
r.put(`${LEARNER}/certificates/:username`, serviceOnly(), async (c) => {
  const [params, input] = allValid(check(CourseUserParams, c.req.param()), check(CertificateBody, await readJson(c)));
  const { created, certificate } = await putCertificate(c.get('deps'), params.course_id, params.username, input);
  return c.json(certificate, created ? 201 : 200);
});
r.put(`${LEARNER}/progress/:username`, serviceOnly(), async (c) => {
  const [params, input] = allValid(check(CourseUserParams, c.req.param()), check(ProgressBody, await readJson(c)));
  const { created, progress } = await putProgress(c.get('deps'), params.course_id, params.username, input);
  return c.json(progress, created ? 201 : 200);
});

const learnerDocs = [
  ['grades', 'A learner’s course grade, or why it cannot be computed', GradeBody, GradeResource],
  ['certificates', 'A learner’s certificate (`created` defaults to now)', CertificateBody, CertificateResource],
  ['progress', 'A learner’s last-visited block and course e-mail opt-out', ProgressBody, ProgressResource],
] as const;
for (const [segment, summary, input, resource] of learnerDocs) {
  document(
    r,
    createRoute({
      method: 'put',
      path: `/courses/{course_id}/${segment}/{username}`,
      tags,
      summary,
      security: SECURITY.jwtOrApiKey,
      request: { params: CourseUserParams, body: body(input) },
      responses: {
        200: jsonContent(resource, 'Replaced'),
        201: jsonContent(resource, 'Created'),
        ...errors,
        404: jsonContent(DeveloperError, 'No such course run or user'),
      },
    }),
  );
}

r.put(`${LEARNER}/due-dates`, serviceOnly(), async (c) => {
  const json = await readJson(c);
  // The shared check() words a wrong root type as "must be a JSON object"; this body is an array.
  if (!Array.isArray(json)) {
    throw developerError(400, 'invalid_request', 'Request body must be a JSON array of {name, url, date}.');
  }
  const [params, input] = allValid(check(CourseParams, c.req.param()), check(DueDatesBody, json));
  return c.json(await putDueDates(c.get('deps'), params.course_id, input));
});
document(
  r,
  createRoute({
    method: 'put',
    path: '/courses/{course_id}/due-dates',
    tags,
    summary: 'Replace the subsection due dates of a run (`[]` clears them)',
    security: SECURITY.jwtOrApiKey,
    request: { params: CourseParams, body: body(DueDatesBody) },
    responses: {
      200: jsonContent(DueDatesResource, 'Stored, in the order given'),
      ...errors,
      404: jsonContent(DeveloperError, 'No such course run'),
    },
  }),
);
