import type { Db } from '../db/client';
import { enqueueDeliveries } from './enqueue';
import { DISPATCH_LIMIT, dispatchStatements } from './log.repo';
import type { EventsMessage } from './types';

/** Dispatches per run: 20 × 500 events; what is left waits for the next message or sweep. */
const MAX_ROUNDS = 20;

/**
 * Fans committed events out to the subscriptions (one D1 batch per 500 events) and enqueues one
 * delivery message each. Events are marked dispatched in the same batch that creates their
 * deliveries; if the send then fails, the sweeper finds those deliveries overdue and re-sends them.
 */
export async function dispatchEvents(
  db: Db,
  queue: Queue<EventsMessage>,
  now: number,
  committedBefore?: number,
): Promise<number> {
  let fannedOut = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const [created, marked] = await db.batch(dispatchStatements(db, now, committedBefore));
    await enqueueDeliveries(queue, created);
    fannedOut += created.length;
    if (marked.meta.changes < DISPATCH_LIMIT) break;
  }
  return fannedOut;
}
