import type { EventsMessage } from './types';

// Queue sends (docs/events.md#delivery). A message carries only names and numbers: the event stays in
// D1, so a message is tiny and a replay or retry always sends the stored bytes.

/** `sendBatch` takes at most 100 messages. */
const SEND_BATCH_LIMIT = 100;

export async function enqueueDeliveries(
  queue: Queue<EventsMessage>,
  deliveries: readonly { subscription: string; seq: number }[],
): Promise<void> {
  for (let i = 0; i < deliveries.length; i += SEND_BATCH_LIMIT) {
    const slice = deliveries.slice(i, i + SEND_BATCH_LIMIT);
    await queue.sendBatch(slice.map((d) => ({ body: { kind: 'deliver', subscription: d.subscription, seq: d.seq } })));
  }
}

/** Asks the consumer to fan out whatever committed and was not dispatched yet. */
export const requestDispatch = (queue: Queue<EventsMessage>) => queue.send({ kind: 'dispatch' });
