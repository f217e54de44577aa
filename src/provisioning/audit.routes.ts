import { createRoute } from '@hono/zod-openapi';
import { jsonContent } from '../lib/http';
import { createRouter, document, SECURITY } from '../openapi';
import { listManualEnrollments } from './audit.service';
import { AuditList, AuditQuery, DeveloperError } from './provisioning.schemas';
import { allValid, check, serviceOnly } from './request';

export const auditRoutes = createRouter();

auditRoutes.get('/audit/manual-enrollments', serviceOnly(), async (c) => {
  const [query] = allValid(check(AuditQuery, c.req.query()));
  return c.json(await listManualEnrollments(c.get('deps'), query));
});
document(
  auditRoutes,
  createRoute({
    method: 'get',
    path: '/audit/manual-enrollments',
    tags: ['Provisioning: audit'],
    summary: 'Manual-enrollment audit records, newest first',
    security: SECURITY.jwtOrApiKey,
    request: { query: AuditQuery },
    responses: {
      200: jsonContent(AuditList, 'Matching records (at most `limit`)'),
      400: jsonContent(DeveloperError, 'Invalid filter(s), each named in `field_errors`'),
      401: jsonContent(DeveloperError, 'No credentials'),
      403: jsonContent(DeveloperError, 'Neither the API key nor global staff'),
    },
  }),
);
