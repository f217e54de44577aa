import type { Db } from '../db/client';
import { DISPATCH_LIMIT, dispatchStatements } from './log.repo';

/** Dispatches per run: 20 × 500 events; what is left waits for the next message or sweep. */
const MAX_ROUNDS = 20;

export type CreatedDelivery = { subscription: string; seq: number };

/**
 * Fans committed events out to the subscriptions (one D1 batch per 500 events), handing each
 * round's new deliveries to `deliver`. Events are marked dispatched in the same batch that creates
 * their deliveries; if `deliver` then never runs (the isolate died), the sweeper finds those
 * deliveries overdue and re-sends them.
 */
export async function dispatchEvents(
  db: Db,
  now: number,
  deliver: (created: CreatedDelivery[]) => Promise<void>,
  committedBefore?: number,
): Promise<number> {
  let fannedOut = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const [created, marked] = await db.batch(dispatchStatements(db, now, committedBefore));
    await deliver(created);
    fannedOut += created.length;
    if (marked.meta.changes < DISPATCH_LIMIT) break;
  }
  return fannedOut;
}
