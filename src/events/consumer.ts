import { attemptDelivery } from './delivery.service';
import { dispatchEvents } from './dispatch.service';
import type { EventsMessage } from './types';
import { type BackgroundContext, backgroundContext } from './worker-context';

// The EVENTS queue's consumer (docs/events.md#operations). The queue delivers at least once: a
// dispatch is idempotent, and an attempt on a delivery already settled changes nothing, so a
// duplicate message costs one query. Failed attempts come back through the queue's own delay
// (`retry({delaySeconds})`), so retries happen without the cron.

export const EVENTS_DLQ = 'enrollment-events-dlq';

async function handle(ctx: BackgroundContext, message: Message<EventsMessage>, dispatched: { done: boolean }) {
  const body = message.body;
  if (body.kind === 'dispatch') {
    // One fan-out serves every dispatch request of the batch.
    if (!dispatched.done) {
      dispatched.done = true;
      await dispatchEvents(ctx.db, ctx.queue, ctx.now());
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
