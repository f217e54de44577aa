import { createApp } from './app';
import type { EventsMessage } from './events/types';
import { JOBS_QUEUE } from './jobs/jobs.limits';
import type { JobsMessage } from './jobs/jobs.service';
import { rehearseRequest } from './middleware/start-up';

const app = createApp();
// A rehearsal preflight before the first request (src/middleware/start-up.ts); its failure is logged, never fatal.
if (!(await rehearseRequest(app.fetch))) console.error(JSON.stringify({ error: 'start-up rehearsal failed' }));

// The queue consumers and the cron's chores are imported on their first invocation, like the
// domains' routes (docs/operations.md#start-up): an isolate that only answers requests never builds them.
export default {
  fetch: app.fetch,
  queue: async (batch, env) => {
    if (batch.queue === JOBS_QUEUE) {
      const { consumeJobs } = await import('./jobs/jobs.consumer');
      return consumeJobs(batch as MessageBatch<JobsMessage>, env);
    }
    const { consumeEvents } = await import('./events/consumer');
    return consumeEvents(batch as MessageBatch<EventsMessage>, env);
  },
  // One cron, three chores: the events sweep, the jobs sweep and the idempotency keys' purge; none stops the others.
  scheduled: async (controller, env) => {
    const [{ runScheduled }, { jobContext, sweepJobs }, { purgeExpiredKeys }] = await Promise.all([
      import('./events/scheduled'),
      import('./jobs/jobs.consumer'),
      import('./idempotency/idempotency.service'),
    ]);
    const results = await Promise.allSettled([
      runScheduled(controller, env),
      sweepJobs(jobContext(env)),
      purgeExpiredKeys(env),
    ]);
    for (const result of results) if (result.status === 'rejected') throw result.reason;
  },
} satisfies ExportedHandler<Env>;
