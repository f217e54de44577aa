import { runBatch } from '../db/batch';
import { claimOverdueDeliveries } from './deliveries.repo';
import { type CreatedDelivery, dispatchEvents } from './dispatch.service';
import { enqueueDeliveries } from './enqueue';
import { purgeEventsBefore } from './log.repo';
import { type BackgroundContext, backgroundContext } from './worker-context';

// The cron (every minute, wrangler.toml; `wrangler dev` never fires it: docs/events.md#local).
// Requests dispatch their own events right after the response; this is the safety net for an
// isolate that died in between, for queue messages that were lost, and the retention purge.

/** A request's own dispatch gets this long before the sweeper takes its events. */
export const SWEEP_GRACE_MS = 60_000;
/** A re-sent delivery is not re-sent again for this long (its message is on the queue). */
const CLAIM_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

export async function sweepEvents(ctx: BackgroundContext) {
  const now = ctx.now();
  const enqueue = (created: CreatedDelivery[]) => enqueueDeliveries(ctx.queue, created);
  const dispatched = await dispatchEvents(ctx.db, now, enqueue, now - SWEEP_GRACE_MS);
  const [overdue] = await runBatch(ctx.db, [claimOverdueDeliveries(ctx.db, now, SWEEP_GRACE_MS, now + CLAIM_MS)]);
  const resend = overdue as { subscription: string; seq: number }[];
  await enqueueDeliveries(ctx.queue, resend);
  const cutoff = now - ctx.config.EVENTS_RETENTION_DAYS * DAY_MS;
  const [purged] = await runBatch(ctx.db, [purgeEventsBefore(ctx.db, cutoff)]);
  const summary = { dispatched, resent: resend.length, purged: (purged as D1Result).meta.changes };
  console.log(JSON.stringify({ event: 'events_sweep', ...summary }));
  return summary;
}

export const runScheduled = (_controller: ScheduledController, env: Env) => sweepEvents(backgroundContext(env));
