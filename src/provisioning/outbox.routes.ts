import { createRoute } from '@hono/zod-openapi';
import { jsonContent } from '../lib/http';
import { createRouter, document, SECURITY } from '../openapi';
import { listQueuedMessages } from './outbox.service';
import { DeveloperError, OutboxList, OutboxQuery } from './provisioning.schemas';
import { allValid, check, serviceOnly } from './request';

export const outboxRoutes = createRouter();

outboxRoutes.get('/outbox', serviceOnly(), async (c) => {
  const [query] = allValid(check(OutboxQuery, c.req.query()));
  return c.json(await listQueuedMessages(c.get('deps'), query));
});
document(
  outboxRoutes,
  createRoute({
    method: 'get',
    path: '/outbox',
    tags: ['Provisioning: audit'],
    summary: 'Notification e-mails queued by the service, newest first',
    security: SECURITY.jwtOrApiKey,
    request: { query: OutboxQuery },
    responses: {
      200: jsonContent(OutboxList, 'Matching messages (at most `limit`)'),
      400: jsonContent(DeveloperError, 'Invalid filter(s), each named in `field_errors`'),
      401: jsonContent(DeveloperError, 'No credentials'),
      403: jsonContent(DeveloperError, 'Neither the API key nor global staff'),
    },
  }),
);
