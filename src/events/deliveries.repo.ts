import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { events, webhookDeliveries, webhookSubscriptions } from '../db/schema';
import { storedEventColumns } from './log.repo';

/** Everything one delivery attempt needs, in ONE query: the delivery, its event, its subscription. */
export const loadDelivery = (db: Db, subscription: string, seq: number) =>
  db
    .select({
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      url: webhookSubscriptions.url,
      secret: webhookSubscriptions.secret,
      enabled: webhookSubscriptions.enabled,
      ...storedEventColumns,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookSubscriptions, eq(webhookSubscriptions.name, webhookDeliveries.subscriptionName))
    .innerJoin(events, eq(events.seq, webhookDeliveries.seq))
    .where(and(eq(webhookDeliveries.subscriptionName, subscription), eq(webhookDeliveries.seq, seq)))
    .get();

/** What one attempt ended with. `retryAt` null: no further attempt (succeeded or failed for good). */
export interface AttemptRecord {
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
  retryAt: number | null;
  now: number;
}

/** The attempt, recorded on a delivery still pending (a duplicate message finds it settled and changes nothing). */
export function recordAttempt(db: Db, subscription: string, seq: number, attempt: AttemptRecord) {
  const status = attempt.succeeded ? 'succeeded' : attempt.retryAt === null ? 'failed' : 'pending';
  return db
    .update(webhookDeliveries)
    .set({
      status,
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      lastStatusCode: attempt.statusCode,
      lastError: attempt.error,
      nextAttemptAt: attempt.retryAt,
      deliveredAt: attempt.succeeded ? attempt.now : null,
    })
    .where(
      and(
        eq(webhookDeliveries.subscriptionName, subscription),
        eq(webhookDeliveries.seq, seq),
        eq(webhookDeliveries.status, 'pending'),
      ),
    );
}

/** A receiver answered 410 Gone: the subscription stops receiving (docs/events.md#delivery). */
export const disableSubscription = (db: Db, subscription: string, now: number) =>
  db
    .update(webhookSubscriptions)
    .set({ enabled: false, updatedAt: now })
    .where(eq(webhookSubscriptions.name, subscription));

/** Overdue deliveries re-sent per sweep: the queue takes 100 per `sendBatch`, this is ten of them. */
export const OVERDUE_LIMIT = 1000;

/**
 * Pending deliveries of enabled subscriptions whose attempt is overdue by `graceMs` (their queue
 * message was lost: a crash between commit and send, a message in the dead-letter queue), claimed
 * by moving their next attempt to `claimUntil`, so the next sweep does not send them again.
 */
export function claimOverdueDeliveries(db: Db, now: number, graceMs: number, claimUntil: number) {
  const overdue = db
    .select({ name: webhookDeliveries.subscriptionName, seq: webhookDeliveries.seq })
    .from(webhookDeliveries)
    .innerJoin(webhookSubscriptions, eq(webhookSubscriptions.name, webhookDeliveries.subscriptionName))
    .where(
      and(
        eq(webhookDeliveries.status, 'pending'),
        lte(webhookDeliveries.nextAttemptAt, now - graceMs),
        eq(webhookSubscriptions.enabled, true),
      ),
    )
    .limit(OVERDUE_LIMIT);
  return db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: claimUntil })
    .where(
      inArray(
        sql`(${webhookDeliveries.subscriptionName}, ${webhookDeliveries.seq})`,
        // Drizzle does not alias plain columns: the subquery's columns keep their own names.
        sql`(select subscription_name, seq from (${overdue}))`,
      ),
    )
    .returning({ subscription: webhookDeliveries.subscriptionName, seq: webhookDeliveries.seq });
}
