import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { events, webhookDeliveries, webhookSubscriptions } from '../db/schema';
import { subscribedTo } from './log.repo';

// Webhook subscriptions and their deliveries as the admin API reads and writes them
// (docs/events.md#subscriptions). Every function is one round trip.

export type SubscriptionRow = typeof webhookSubscriptions.$inferSelect;

export interface SubscriptionFields {
  url: string;
  eventTypes: string[];
  enabled: boolean;
  /** Absent: a new subscription takes `generatedSecret`, an existing one keeps its own. */
  secret?: string;
}

/** The log's end, read in the statement that writes it, so no event can commit in between. */
const logEnd = sql`(select coalesce(max(${events.seq}), 0) from ${events})`;

/**
 * Creates or replaces a subscription and reads it back: ONE atomic batch. `from_seq` becomes the
 * log's end on creation and when a disabled subscription is enabled; otherwise it stays.
 */
export async function saveSubscription(
  db: Db,
  name: string,
  fields: SubscriptionFields,
  generatedSecret: string,
  now: number,
) {
  const { url, eventTypes, enabled } = fields;
  const [before, [row]] = await db.batch([
    db
      .select({ name: webhookSubscriptions.name })
      .from(webhookSubscriptions)
      .where(eq(webhookSubscriptions.name, name)),
    db
      .insert(webhookSubscriptions)
      .values({
        name,
        url,
        eventTypes,
        enabled,
        secret: fields.secret ?? generatedSecret,
        fromSeq: logEnd,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: webhookSubscriptions.name,
        set: {
          url,
          eventTypes,
          enabled,
          secret: fields.secret ?? sql`${webhookSubscriptions.secret}`,
          fromSeq: sql`case when excluded.enabled = 1 and ${webhookSubscriptions.enabled} = 0
            then excluded.from_seq else ${webhookSubscriptions.fromSeq} end`,
          updatedAt: now,
        },
      })
      .returning(),
  ]);
  return { created: before.length === 0, row: row as SubscriptionRow };
}

export const listSubscriptions = (db: Db) =>
  db.select().from(webhookSubscriptions).orderBy(asc(webhookSubscriptions.name));

export const findSubscription = (db: Db, name: string) =>
  db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.name, name)).get();

/** Its deliveries go with it (foreign key `on delete cascade`). Empty when there was none. */
export const deleteSubscription = (db: Db, name: string) =>
  db
    .delete(webhookSubscriptions)
    .where(eq(webhookSubscriptions.name, name))
    .returning({ name: webhookSubscriptions.name });

/**
 * A subscription's deliveries, newest event first, in ONE query: the subscription is the left side,
 * so no row at all means no such subscription, and one row without `seq` means no delivery.
 */
export function listDeliveries(
  db: Db,
  name: string,
  filters: { status?: 'pending' | 'succeeded' | 'failed'; limit: number },
) {
  const delivery = eq(webhookDeliveries.subscriptionName, webhookSubscriptions.name);
  return db
    .select({
      seq: webhookDeliveries.seq,
      eventId: events.id,
      type: events.type,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      deliveredAt: webhookDeliveries.deliveredAt,
    })
    .from(webhookSubscriptions)
    .leftJoin(
      webhookDeliveries,
      filters.status === undefined ? delivery : and(delivery, eq(webhookDeliveries.status, filters.status)),
    )
    .leftJoin(events, eq(events.seq, webhookDeliveries.seq))
    .where(eq(webhookSubscriptions.name, name))
    .orderBy(desc(webhookDeliveries.seq))
    .limit(filters.limit);
}

/** Which events a replay re-delivers: those after a position, or those ids. */
export type ReplaySelection = { afterSeq: number } | { eventIds: string[] };

/**
 * Sets the deliveries of the selected events that match the subscription's types (at most `limit`,
 * lowest `seq` first) back to a fresh pending attempt, whatever they ended with: ONE batch, the
 * subscription's existence read in it. `null`: no such subscription.
 */
export async function replayDeliveries(db: Db, name: string, selection: ReplaySelection, now: number, limit: number) {
  const selected =
    'afterSeq' in selection
      ? sql`e.seq > ${selection.afterSeq}`
      : sql`e.id in (select value from json_each(${JSON.stringify(selection.eventIds)}))`;
  const fresh = {
    status: 'pending' as const,
    attempts: 0,
    lastStatusCode: null,
    lastError: null,
    nextAttemptAt: now,
    deliveredAt: null,
  };
  const upsert = insertFromSelect(
    db,
    webhookDeliveries,
    { subscriptionName: sql`${webhookSubscriptions.name}`, seq: sql`e.seq`, ...fresh, createdAt: now },
    // The WHERE also keeps SQLite from reading `on conflict` as part of the join.
    sql`from ${events} e join ${webhookSubscriptions}
      on ${webhookSubscriptions.name} = ${name} and ${subscribedTo(sql`e.type`)}
      where ${selected} order by e.seq limit ${limit}`,
  )
    .onConflictDoUpdate({ target: [webhookDeliveries.subscriptionName, webhookDeliveries.seq], set: fresh })
    .returning({ subscription: webhookDeliveries.subscriptionName, seq: webhookDeliveries.seq });
  const [found, rows] = await db.batch([
    db
      .select({ name: webhookSubscriptions.name })
      .from(webhookSubscriptions)
      .where(eq(webhookSubscriptions.name, name)),
    upsert,
  ]);
  return found.length > 0 ? rows : null;
}
