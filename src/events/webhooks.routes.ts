import { jsonContent } from '../lib/http';
import { serviceStyle } from '../lib/input-styles';
import { route } from '../lib/route';
import { createRouter } from '../openapi';
import { INVALID_REQUEST, jsonBody, refusal } from '../provisioning/provisioning.schemas';
import { ACCESS_ERRORS, serviceOnly } from '../provisioning/service-guards';
import type { EventsMessage } from './types';
import {
  DeliveriesQuery,
  DeliveryList,
  ReplayBody,
  ReplayResult,
  Subscription,
  SubscriptionBody,
  SubscriptionList,
  SubscriptionParams,
  SubscriptionWritten,
} from './webhooks.schemas';
import {
  getDeliveries,
  getSubscription,
  getSubscriptions,
  putSubscription,
  removeSubscription,
  replaySubscription,
} from './webhooks.service';

/** `/api/admin/v1/webhooks` (docs/events.md#subscriptions). */
export const webhookRoutes = createRouter();
const r = webhookRoutes;

// The provisioning API's access rule and error shape (docs/events.md#subscriptions).
const common = { tags: ['Webhooks'], ...serviceOnly(), input: serviceStyle };
const NO_SUBSCRIPTION = refusal('No such subscription (`subscription_not_found`).');

route(r, {
  ...common,
  method: 'put',
  path: '/webhooks/{name}',
  summary: 'Create or replace a webhook subscription',
  description:
    'A new subscription receives the events committed after it was created, an enabled one those after it was (re-)enabled; earlier ones only through replay. Replacing without `secret` keeps the stored secret.',
  request: { params: SubscriptionParams, body: jsonBody(SubscriptionBody) },
  responses: {
    200: jsonContent(SubscriptionWritten, 'Replaced (`secret` only when given)'),
    201: jsonContent(SubscriptionWritten, 'Created, with its `secret` (generated unless given)'),
    400: INVALID_REQUEST,
    ...ACCESS_ERRORS,
  },
  handler: async (c, { params, body }) => {
    const { created, subscription } = await putSubscription(c.get('deps'), params.name, body);
    return c.json(subscription, created ? 201 : 200);
  },
});

route(r, {
  ...common,
  method: 'get',
  path: '/webhooks',
  summary: 'Every webhook subscription, by name (never a secret)',
  responses: { 200: jsonContent(SubscriptionList, 'The subscriptions'), ...ACCESS_ERRORS },
  handler: async (c) => c.json(await getSubscriptions(c.get('deps'))),
});

route(r, {
  ...common,
  method: 'get',
  path: '/webhooks/{name}',
  summary: 'A webhook subscription (never its secret)',
  request: { params: SubscriptionParams },
  responses: {
    200: jsonContent(Subscription, 'The subscription'),
    400: INVALID_REQUEST,
    ...ACCESS_ERRORS,
    404: NO_SUBSCRIPTION,
  },
  handler: async (c, { params }) => c.json(await getSubscription(c.get('deps'), params.name)),
});

route(r, {
  ...common,
  method: 'delete',
  path: '/webhooks/{name}',
  summary: 'Delete a webhook subscription and its deliveries (pending ones are dropped)',
  request: { params: SubscriptionParams },
  responses: { 204: { description: 'Deleted.' }, 400: INVALID_REQUEST, ...ACCESS_ERRORS, 404: NO_SUBSCRIPTION },
  handler: async (c, { params }) => {
    await removeSubscription(c.get('deps'), params.name);
    return c.body(null, 204);
  },
});

route(r, {
  ...common,
  method: 'get',
  path: '/webhooks/{name}/deliveries',
  summary: 'A subscription’s deliveries, newest event first',
  request: { params: SubscriptionParams, query: DeliveriesQuery },
  responses: {
    200: jsonContent(DeliveryList, 'Matching deliveries (at most `limit`)'),
    400: INVALID_REQUEST,
    ...ACCESS_ERRORS,
    404: NO_SUBSCRIPTION,
  },
  handler: async (c, { params, query }) => c.json(await getDeliveries(c.get('deps'), params.name, query)),
});

route(r, {
  ...common,
  method: 'post',
  path: '/webhooks/{name}/replay',
  summary: 'Deliver events again to a subscription (at most 10,000 per call)',
  description:
    'Events that match the subscription’s types get a fresh pending delivery (whatever earlier ones ended with) and are queued after the response. Unknown or purged event ids are skipped.',
  request: { params: SubscriptionParams, body: jsonBody(ReplayBody) },
  responses: {
    202: jsonContent(ReplayResult, 'Queued'),
    400: INVALID_REQUEST,
    ...ACCESS_ERRORS,
    404: NO_SUBSCRIPTION,
  },
  handler: async (c, { params, body }) => {
    const queue = c.env.EVENTS as Queue<EventsMessage>;
    return c.json(await replaySubscription(c.get('deps'), queue, params.name, body), 202);
  },
});
