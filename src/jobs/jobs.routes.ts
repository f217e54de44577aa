import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { authenticate, requirePermission } from '../auth/auth.middleware';
import { readCsvFields, tooManyPairs } from '../bulk/bulk.request';
import type { AppEnv } from '../context';
import { isGlobalStaff } from '../context/principal';
import { errorResponse, errorResponses, ServiceError } from '../lib/error-responses';
import { jsonContent } from '../lib/http';
import { drfStyle } from '../lib/input-styles';
import { route, SECURITY } from '../lib/route';
import { createRouter } from '../openapi';
import { throttle } from '../throttle/throttle.middleware';
import { jobResults, resultsCsv, resultsJson } from './jobs.results';
import {
  BulkJobRequestSchema,
  JobAcceptedSchema,
  JobParams,
  JobResultsSchema,
  JobStatusSchema,
  ResultsQuery,
} from './jobs.schemas';
import { cancel, createJob, type JobsMessage, jobStatus } from './jobs.service';

export const jobRoutes = createRouter();

const TAGS = ['Bulk enrollment jobs'];
const CsvBody = z.string().openapi({
  description:
    'A header row with an `identifier` (or `email`/`username`) column; the other fields go in the query string.',
  example: 'identifier\nalice\nnew.learner@example.com\n',
});
const JOB_BODY_LIMIT = '413 JSON when the body is over 32 MiB, or too many identifier × course pairs or courses.';
const notVisible = 'No such job, or not yours (only global staff and its creator see a job).';

// Creating a job: the sync endpoint's permission, throttle and body, validated the same way.
route(jobRoutes, {
  method: 'post',
  path: '/jobs',
  summary: 'Start an asynchronous bulk enrollment job (global staff)',
  tags: TAGS,
  security: SECURITY.jwt,
  middleware: [authenticate({ jwtOnly: true }), requirePermission(isGlobalStaff), throttle()],
  request: {
    body: {
      schema: BulkJobRequestSchema,
      media: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
      readers: { 'text/csv': { schema: CsvBody, read: readCsvFields } },
    },
  },
  responses: {
    202: {
      ...jsonContent(JobAcceptedSchema, 'Validated and queued; `Location` is the status URL.'),
      headers: { Location: { description: 'The status URL', schema: { type: 'string' } } },
    },
    400: jsonContent(z.record(z.string(), z.array(z.string())), 'Field, cross-field or `mode` errors (DRF shape).'),
    ...errorResponses('detail', 401),
    403: errorResponse('detail', 403, 'Not global staff (the API key grants nothing here).'),
    404: errorResponse('detail', 404, 'A course does not exist (nothing was queued).'),
    413: jsonContent(ServiceError, JOB_BODY_LIMIT, tooManyPairs(1001, 1000, { max: 1_000_000, per: 'job' })),
    ...errorResponses('detail', 429),
  },
  input: drfStyle,
  handler: async (c, { body }) => {
    const origin = new URL(c.req.url).origin;
    const queue = c.env.JOBS as Queue<JobsMessage>;
    const accepted = await createJob(c.get('deps'), c.get('principal'), body, queue, origin);
    return c.json(accepted, 202, { Location: accepted.status_url });
  },
});

const visibleOnly = [authenticate({ jwtOnly: true }), throttle()];

route(jobRoutes, {
  method: 'get',
  path: '/jobs/{job_id}',
  summary: 'A bulk enrollment job: status, progress and counts',
  tags: TAGS,
  security: SECURITY.jwt,
  middleware: visibleOnly,
  request: { params: JobParams },
  responses: {
    200: jsonContent(JobStatusSchema, 'The job; `counts` add up to `processed`.'),
    ...errorResponses('detail', 401),
    404: errorResponse('detail', 404, notVisible),
    ...errorResponses('detail', 429),
  },
  input: drfStyle,
  handler: async (c, { params }) => c.json(await jobStatus(c.get('deps'), c.get('principal'), params.job_id)),
});

route(jobRoutes, {
  method: 'delete',
  path: '/jobs/{job_id}',
  summary: 'Cancel a bulk enrollment job (chunks not started are not applied)',
  tags: TAGS,
  security: SECURITY.jwt,
  middleware: visibleOnly,
  request: { params: JobParams },
  responses: {
    200: jsonContent(JobStatusSchema, 'The job, `canceled` unless it had finished already.'),
    ...errorResponses('detail', 401),
    404: errorResponse('detail', 404, notVisible),
    ...errorResponses('detail', 429),
  },
  input: drfStyle,
  handler: async (c, { params }) => c.json(await cancel(c.get('deps'), c.get('principal'), params.job_id)),
});

const wantsJson = (c: Context) => /\bapplication\/json\b/i.test(c.req.header('Accept') ?? '');

function pageUrl(c: Context, cursor: string | null) {
  if (cursor === null) return null;
  const url = new URL(c.req.url);
  url.searchParams.set('cursor', cursor);
  return url.toString();
}

route(jobRoutes, {
  method: 'get',
  path: '/jobs/{job_id}/results',
  summary: "A bulk enrollment job's per-pair results so far (CSV, or JSON with Accept: application/json)",
  tags: TAGS,
  security: SECURITY.jwt,
  middleware: visibleOnly,
  request: { params: JobParams, query: ResultsQuery },
  responses: {
    200: {
      description: 'One page of results in pair order; the next page in `Link` (CSV) or `next` (JSON).',
      headers: { Link: { description: '`<url>; rel="next"` (CSV only)', schema: { type: 'string' } } },
      content: {
        'text/csv': { schema: z.string(), example: 'identifier,course_id,result,…\r\n' },
        'application/json': { schema: JobResultsSchema },
      },
    },
    400: jsonContent(z.record(z.string(), z.array(z.string())), 'A bad `cursor` or `page_size` (DRF shape).'),
    ...errorResponses('detail', 401),
    404: errorResponse('detail', 404, notVisible),
    ...errorResponses('detail', 429),
  },
  input: drfStyle,
  handler: async (c: Context<AppEnv>, { params, query }) => {
    const page = await jobResults(c.get('deps'), c.get('principal'), params.job_id, query);
    const next = pageUrl(c, page.next);
    if (wantsJson(c)) return c.json(resultsJson(page, next));
    const headers: Record<string, string> = { 'Content-Type': 'text/csv; charset=utf-8' };
    if (next) headers.Link = `<${next}>; rel="next"`;
    return c.body(resultsCsv(page), 200, headers);
  },
});
