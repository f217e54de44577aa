import { attemptDelivery } from './delivery.service';
import { type CreatedDelivery, dispatchEvents } from './dispatch.service';
import { enqueueDeliveries } from './enqueue';
import type { EventsMessage } from './types';
import { type BackgroundContext, backgroundContext } from './worker-context';

// The EVENTS queue's consumer (docs/events.md#operations). The queue delivers at least once: a
// dispatch is idempotent, and an attempt on a delivery already settled changes nothing, so a
// duplicate message costs one query. Failed attempts come back through the queue's own delay, so
// retries happen without the cron.

export const EVENTS_DLQ = 'enrollment-events-dlq';

/**
 * First attempts made right in the dispatch (one queue hop from commit to receiver instead of two);
 * the rest of a large fan-out goes out as messages, so one invocation stays far from the
 * subrequest limits.
 */
const INLINE_ATTEMPTS = 20;

async function attemptNow(ctx: BackgroundContext, d: CreatedDelivery) {
  const outcome = await attemptDelivery(ctx, d.subscription, d.seq);
  if ('retryInSeconds' in outcome) {
    const body: EventsMessage = { kind: 'deliver', subscription: d.subscription, seq: d.seq };
    await ctx.queue.send(body, { delaySeconds: outcome.retryInSeconds });
  }
}

async function deliverCreated(ctx: BackgroundContext, created: CreatedDelivery[]) {
  await enqueueDeliveries(ctx.queue, created.slice(INLINE_ATTEMPTS));
  await Promise.all(created.slice(0, INLINE_ATTEMPTS).map((d) => attemptNow(ctx, d)));
}

async function handle(ctx: BackgroundContext, message: Message<EventsMessage>, dispatched: { done: boolean }) {
  const body = message.body;
  if (body.kind === 'dispatch') {
    // One fan-out serves every dispatch request of the batch.
    if (!dispatched.done) {
      dispatched.done = true;
      await dispatchEvents(ctx.db, ctx.now(), (created) => deliverCreated(ctx, created));
    }
    message.ack();
    return;
  }
  const outcome = await attemptDelivery(ctx, body.subscription, body.seq);
  if ('retryInSeconds' in outcome) message.retry({ delaySeconds: outcome.retryInSeconds });
  else message.ack();
}

export async function consumeEvents(batch: MessageBatch<EventsMessage>, env: Env): Promise<void> {
  if (batch.queue === EVENTS_DLQ) {
    // A message lands here after the consumer failed on it max_retries times. Its delivery is
    // still pending in D1, and the sweeper re-sends it once overdue: log it for the operator, drop it.
    for (const message of batch.messages) {
      console.error(JSON.stringify({ event: 'events_dead_letter', message: message.body, attempts: message.attempts }));
      message.ack();
    }
    return;
  }
  const ctx = backgroundContext(env);
  const dispatched = { done: false };
  await Promise.all(
    batch.messages.map((message) =>
      handle(ctx, message, dispatched).catch((error) => {
        console.error(JSON.stringify({ event: 'events_consumer_error', message: message.body, error: String(error) }));
        message.retry();
      }),
    ),
  );
}
