import { z } from '@hono/zod-openapi';
import { authenticate, requirePermission } from '../auth/auth.middleware';
import { isGlobalStaff } from '../context/principal';
import { errorResponse, errorResponses, ServiceError } from '../lib/error-responses';
import { jsonContent } from '../lib/http';
import { drfStyle } from '../lib/input-styles';
import { route, SECURITY } from '../lib/route';
import { createRouter } from '../openapi';
import { throttle } from '../throttle/throttle.middleware';
import { readCsvFields, toBulkRequest, tooManyPairs } from './bulk.request';
import { BulkEnrollRequestSchema, BulkEnrollResponseSchema } from './bulk.schemas';
import { bulkEnroll } from './bulk.service';

export const bulkRoutes = createRouter();

const CsvBody = z.string().openapi({
  description:
    'A header row with an `identifier` (or `email`/`username`) column; the other fields go in the query string.',
  example: 'identifier\nalice\nnew.learner@example.com\n',
});

// Permission before the throttle and before any body check: a non-staff caller with an empty body
// still gets 403.
route(bulkRoutes, {
  method: 'post',
  path: '/bulk_enroll',
  summary: 'Enroll or unenroll many learners in several courses (global staff)',
  tags: ['Bulk enrollment'],
  security: SECURITY.jwt,
  middleware: [authenticate({ jwtOnly: true }), requirePermission(isGlobalStaff), throttle()],
  request: {
    body: {
      schema: BulkEnrollRequestSchema,
      media: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
      readers: { 'text/csv': { schema: CsvBody, read: readCsvFields } },
    },
  },
  responses: {
    200: jsonContent(BulkEnrollResponseSchema, 'Per course, one result per identifier.'),
    400: jsonContent(z.record(z.string(), z.array(z.string())), 'Field or cross-field errors (DRF shape).'),
    ...errorResponses('detail', 401),
    403: errorResponse('detail', 403, 'Not global staff (the API key grants nothing here).'),
    404: errorResponse('detail', 404, 'A course does not exist (nothing was changed).'),
    413: jsonContent(
      ServiceError,
      'Too many identifier × course pairs or courses, or a body over 1 MiB.',
      tooManyPairs(5001, 2),
    ),
    ...errorResponses('detail', 429),
  },
  input: drfStyle,
  handler: async (c, { body }) => c.json(await bulkEnroll(c.get('deps'), c.get('principal'), toBulkRequest(body))),
});
