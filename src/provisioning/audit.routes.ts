import { jsonContent } from '../lib/http';
import { serviceStyle } from '../lib/input-styles';
import { route } from '../lib/route';
import { createRouter } from '../openapi';
import { AuditList, AuditQuery } from './audit.schemas';
import { listManualEnrollments } from './audit.service';
import { INVALID_REQUEST } from './provisioning.schemas';
import { ACCESS_ERRORS, serviceOnly } from './service-guards';

/** Manual-enrollment audit records (docs/api/provisioning.md#audit). */
export const auditRoutes = createRouter();

route(auditRoutes, {
  tags: ['Provisioning: audit'],
  ...serviceOnly(),
  input: serviceStyle,
  method: 'get',
  path: '/audit/manual-enrollments',
  summary: 'Manual-enrollment audit records, newest first',
  request: { query: AuditQuery },
  responses: {
    200: jsonContent(AuditList, 'Matching records (at most `limit`)'),
    400: { ...INVALID_REQUEST, description: 'Invalid filter(s), each named in `field_errors`' },
    ...ACCESS_ERRORS,
  },
  handler: async (c, { query }) => c.json(await listManualEnrollments(c.get('deps'), query)),
});
