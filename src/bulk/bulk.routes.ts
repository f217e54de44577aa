import { createRoute, z } from '@hono/zod-openapi';
import { authenticate, requirePermission } from '../auth/auth.middleware';
import { isGlobalStaff } from '../context/principal';
import { createRouter, document, SECURITY } from '../openapi';
import { throttle } from '../throttle/throttle.middleware';
import { readBulkFields, validateBulkRequest } from './bulk.request';
import { BulkEnrollRequestSchema, BulkEnrollResponseSchema } from './bulk.schemas';
import { bulkEnroll } from './bulk.service';

export const bulkRoutes = createRouter();

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const Detail = z.object({ detail: z.string() });

document(
  bulkRoutes,
  createRoute({
    method: 'post',
    path: '/bulk_enroll',
    summary: 'Enroll or unenroll many learners in several courses (global staff)',
    tags: ['Bulk enrollment'],
    security: SECURITY.jwt,
    request: {
      body: {
        content: {
          'application/json': { schema: BulkEnrollRequestSchema },
          'application/x-www-form-urlencoded': { schema: BulkEnrollRequestSchema },
          'text/csv': {
            schema: z.string().openapi({
              description:
                'A header row with an `identifier` (or `email`/`username`) column; the other fields go in the query string.',
              example: 'identifier\nalice\nnew.learner@example.com\n',
            }),
          },
        },
      },
    },
    responses: {
      200: json(BulkEnrollResponseSchema, 'Per course, one result per identifier.'),
      400: json(z.record(z.string(), z.array(z.string())), 'Field or cross-field errors (DRF shape).'),
      401: json(Detail, 'Not authenticated.'),
      403: json(Detail, 'Not global staff (the API key grants nothing here).'),
      404: json(Detail, 'A course does not exist (nothing was changed).'),
      413: json(
        z.object({ error_code: z.string(), developer_message: z.string() }),
        'Too many identifier × course pairs.',
      ),
      429: json(Detail, 'Throttled.'),
    },
  }),
);

bulkRoutes.post(
  '/bulk_enroll',
  authenticate({ jwtOnly: true }),
  requirePermission(isGlobalStaff),
  throttle(),
  async (c) => {
    const request = validateBulkRequest(await readBulkFields(c));
    return c.json(await bulkEnroll(c.get('deps'), c.get('principal'), request));
  },
);
