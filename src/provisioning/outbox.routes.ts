import { jsonContent } from '../lib/http';
import { serviceStyle } from '../lib/input-styles';
import { route } from '../lib/route';
import { createRouter } from '../openapi';
import { OutboxList, OutboxQuery } from './audit.schemas';
import { listQueuedMessages } from './outbox.service';
import { INVALID_REQUEST } from './provisioning.schemas';
import { ACCESS_ERRORS, serviceOnly } from './service-guards';

/** Notification e-mails the service queued (docs/api/provisioning.md#outbox). */
export const outboxRoutes = createRouter();

route(outboxRoutes, {
  tags: ['Provisioning: audit'],
  ...serviceOnly(),
  input: serviceStyle,
  method: 'get',
  path: '/outbox',
  summary: 'Notification e-mails queued by the service, newest first',
  request: { query: OutboxQuery },
  responses: {
    200: jsonContent(OutboxList, 'Matching messages (at most `limit`)'),
    400: { ...INVALID_REQUEST, description: 'Invalid filter(s), each named in `field_errors`' },
    ...ACCESS_ERRORS,
  },
  handler: async (c, { query }) => c.json(await listQueuedMessages(c.get('deps'), query)),
});
