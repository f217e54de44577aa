import { jsonContent } from '../lib/http';
import { serviceStyle } from '../lib/input-styles';
import { route } from '../lib/route';
import { createRouter } from '../openapi';
import { ACCESS_ERRORS, serviceOnly } from '../provisioning/service-guards';
import { ChangesPage, ChangesQuery, EventsExpired, INVALID_FEED_QUERY } from './feed.schemas';
import { readChanges } from './feed.service';

/** `GET /api/events/v1/changes` (docs/events.md#feed). */
export const feedRoutes = createRouter();

route(feedRoutes, {
  tags: ['Events'],
  ...serviceOnly(),
  input: serviceStyle,
  method: 'get',
  path: '/changes',
  summary: 'The event log after a sequence number, oldest first',
  description: 'Loop with `after = next_after` until `has_more` is false, then poll. Filters combine (all must match).',
  request: { query: ChangesQuery },
  responses: {
    200: jsonContent(ChangesPage, 'At most `limit` events with `seq > after`, ascending'),
    400: INVALID_FEED_QUERY,
    ...ACCESS_ERRORS,
    410: jsonContent(EventsExpired, 'Events after `after` were purged (retention): resynchronise from the lists'),
  },
  handler: async (c, { query }) =>
    c.body(await readChanges(c.get('deps'), query), 200, { 'Content-Type': 'application/json' }),
});
