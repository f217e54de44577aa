import type { z } from '@hono/zod-openapi';
import type { Deps } from '../context';
import { formatDateTime } from '../lib/datetime';
import { echo } from '../lib/echo';
import { developerError } from '../lib/errors';
import { enqueueDeliveries } from './enqueue';
import { newWebhookSecret } from './signature';
import {
  deleteSubscription,
  findSubscription,
  listDeliveries,
  listSubscriptions,
  replayDeliveries,
  type SubscriptionRow,
  saveSubscription,
} from './subscriptions.repo';
import type { EventsMessage } from './types';
import {
  DEFAULT_DELIVERIES_LIMIT,
  type DeliveriesQuery,
  REPLAY_LIMIT,
  type ReplayBody,
  type SubscriptionBody,
  schemeAllowed,
} from './webhooks.schemas';

// Webhook subscriptions (docs/events.md#subscriptions): one D1 round trip per call. A secret leaves
// the service only in the answer of the PUT that generated or was given it.

const notFound = (name: string) =>
  developerError(404, 'subscription_not_found', `No webhook subscription named "${echo(name)}".`);

const resource = (row: SubscriptionRow) => ({
  name: row.name,
  url: row.url,
  event_types: row.eventTypes,
  enabled: row.enabled,
  created: formatDateTime(row.createdAt) as string,
  updated: formatDateTime(row.updatedAt) as string,
});

/** Creates or replaces a subscription; `secret` is answered when generated now or given now. */
export async function putSubscription(deps: Deps, name: string, body: z.output<typeof SubscriptionBody>) {
  // The schema cannot see the configuration: the one rule that depends on it is checked here.
  if (!schemeAllowed(body.url, deps.config.WEBHOOK_ALLOW_HTTP)) {
    throw developerError(400, 'invalid_request', 'Invalid fields: url.', {
      url: 'An absolute https:// URL (http:// only with WEBHOOK_ALLOW_HTTP=true).',
    });
  }
  const { created, row } = await saveSubscription(
    deps.db,
    name,
    { url: body.url, eventTypes: body.event_types, enabled: body.enabled, secret: body.secret },
    newWebhookSecret(),
    deps.now(),
  );
  const shown = created || body.secret !== undefined;
  return { created, subscription: shown ? { ...resource(row), secret: row.secret } : resource(row) };
}

export async function getSubscriptions(deps: Deps) {
  return { results: (await listSubscriptions(deps.db)).map(resource) };
}

export async function getSubscription(deps: Deps, name: string) {
  const row = await findSubscription(deps.db, name);
  if (!row) throw notFound(name);
  return resource(row);
}

/** Deletes it with all its deliveries, so nothing pending for it is attempted any more. */
export async function removeSubscription(deps: Deps, name: string): Promise<void> {
  const deleted = await deleteSubscription(deps.db, name);
  if (deleted.length === 0) throw notFound(name);
}

export async function getDeliveries(deps: Deps, name: string, query: z.output<typeof DeliveriesQuery>) {
  const rows = await listDeliveries(deps.db, name, {
    status: query.status,
    limit: query.limit ?? DEFAULT_DELIVERIES_LIMIT,
  });
  if (rows.length === 0) throw notFound(name);
  const results = [];
  for (const row of rows) {
    if (row.seq === null || row.status === null || row.attempts === null) continue;
    results.push({
      event_id: row.eventId as string,
      seq: row.seq,
      type: row.type as string,
      status: row.status,
      attempts: row.attempts,
      last_status_code: row.lastStatusCode,
      last_error: row.lastError,
      next_attempt_at: formatDateTime(row.nextAttemptAt),
      delivered_at: formatDateTime(row.deliveredAt),
    });
  }
  return { results };
}

/**
 * Queues the selected events that match the subscription's types again (at most REPLAY_LIMIT), the
 * queue messages sent after the response. A disabled subscription's replayed deliveries wait, pending,
 * until it is enabled (the sweeper sends overdue ones).
 */
export async function replaySubscription(
  deps: Deps,
  queue: Queue<EventsMessage>,
  name: string,
  selection: z.output<typeof ReplayBody>,
) {
  const rows = await replayDeliveries(deps.db, name, selection, deps.now(), REPLAY_LIMIT);
  if (rows === null) throw notFound(name);
  if (rows.length > 0) deps.background(enqueueDeliveries(queue, rows));
  return { queued: rows.length };
}
