import { createApp } from './app';
import { consumeEvents } from './events/consumer';
import { runScheduled } from './events/scheduled';
import type { EventsMessage } from './events/types';
import { consumeJobs, JOBS_QUEUE, jobContext, sweepJobs } from './jobs/jobs.consumer';
import type { JobsMessage } from './jobs/jobs.service';

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) =>
    batch.queue === JOBS_QUEUE
      ? consumeJobs(batch as MessageBatch<JobsMessage>, env)
      : consumeEvents(batch as MessageBatch<EventsMessage>, env),
  scheduled: (controller, env) =>
    Promise.all([runScheduled(controller, env), sweepJobs(jobContext(env))]).then(() => undefined),
} satisfies ExportedHandler<Env>;
