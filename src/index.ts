import { createApp } from './app';
import { consumeEvents } from './events/consumer';
import { runScheduled } from './events/scheduled';
import type { EventsMessage } from './events/types';
import { purgeExpiredKeys } from './idempotency/idempotency.service';
import { consumeJobs, JOBS_QUEUE, jobContext, sweepJobs } from './jobs/jobs.consumer';
import type { JobsMessage } from './jobs/jobs.service';

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) =>
    batch.queue === JOBS_QUEUE
      ? consumeJobs(batch as MessageBatch<JobsMessage>, env)
      : consumeEvents(batch as MessageBatch<EventsMessage>, env),
  // One cron, three chores: the events sweep, the jobs sweep and the idempotency keys' purge; none stops the others.
  scheduled: async (controller, env) => {
    const results = await Promise.allSettled([
      runScheduled(controller, env),
      sweepJobs(jobContext(env)),
      purgeExpiredKeys(env),
    ]);
    for (const result of results) if (result.status === 'rejected') throw result.reason;
  },
} satisfies ExportedHandler<Env>;
