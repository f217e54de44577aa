import { and, inArray, isNull, lt, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { events, webhookDeliveries, webhookSubscriptions } from '../db/schema';

// The events domain owns `events`, `webhook_subscriptions` and `webhook_deliveries`
// (docs/architecture.md#one-owner-per-table). Event rows are inserted by the migrations' triggers
// only; this file fans them out to the subscriptions and purges them.

/** The columns of a stored event (envelope.ts `StoredEvent`): what the feed and a delivery read. */
export const storedEventColumns = {
  seq: events.seq,
  id: events.id,
  type: events.type,
  subject: events.subject,
  time: events.time,
  data: events.data,
};

/** Events fanned out per dispatch: one batch stays far below D1's statement time limit. */
export const DISPATCH_LIMIT = 500;

/** `subscription.event_types` includes `type` (a SQL expression), or is `["*"]`. */
export const subscribedTo = (type: SQL) =>
  sql`exists (select 1 from json_each(${webhookSubscriptions.eventTypes}) t where t.value = '*' or t.value = ${type})`;

/**
 * ONE batch (one round trip): a pending delivery for every (undispatched event, enabled
 * subscription that wants it and was created before it), then the events marked dispatched. The
 * batch is atomic and D1 runs batches one at a time, so two dispatchers never fan out the same
 * event twice; `on conflict do nothing` covers a replay that got there first.
 * `committedBefore`: the sweeper's "older than one minute", so it does not race a request's own
 * dispatch.
 */
export function dispatchStatements(db: Db, now: number, committedBefore = Number.MAX_SAFE_INTEGER) {
  const undispatched = sql`(select ${events.seq} from ${events}
    where ${events.dispatchedAt} is null and ${events.time} < ${committedBefore}
    order by ${events.seq} limit ${DISPATCH_LIMIT})`;
  const deliveries = insertFromSelect(
    db,
    webhookDeliveries,
    {
      subscriptionName: sql`${webhookSubscriptions.name}`,
      seq: sql`e.seq`,
      status: 'pending',
      attempts: 0,
      lastStatusCode: null,
      lastError: null,
      nextAttemptAt: now,
      deliveredAt: null,
      createdAt: now,
    },
    sql`from ${events} e join ${webhookSubscriptions}
      on ${webhookSubscriptions.enabled} = 1 and e.seq > ${webhookSubscriptions.fromSeq} and ${subscribedTo(sql`e.type`)}
      where e.seq in ${undispatched}`,
  )
    .onConflictDoNothing()
    .returning({ subscription: webhookDeliveries.subscriptionName, seq: webhookDeliveries.seq });
  const mark = db
    .update(events)
    .set({ dispatchedAt: now })
    .where(and(isNull(events.dispatchedAt), inArray(events.seq, undispatched)));
  return [deliveries, mark] as const;
}

/**
 * Events past retention, but never the newest one: the feed tells "purged" from "not yet written"
 * by the oldest `seq` it still holds (docs/events.md#feed). Deliveries go with their event (cascade).
 */
export const purgeEventsBefore = (db: Db, cutoff: number) =>
  db
    .delete(events)
    .where(and(lt(events.time, cutoff), lt(events.seq, sql`(select max(${events.seq}) from ${events})`)));
