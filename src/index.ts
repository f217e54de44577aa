import { createApp } from './app';
import { consumeEvents } from './events/consumer';
import { runScheduled } from './events/scheduled';
import type { EventsMessage } from './events/types';
import { purgeExpiredKeys } from './idempotency/idempotency.service';

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => consumeEvents(batch as MessageBatch<EventsMessage>, env),
  // One cron, two chores: the events sweep and the idempotency keys' purge; neither stops the other.
  scheduled: async (controller, env) => {
    const results = await Promise.allSettled([runScheduled(controller, env), purgeExpiredKeys(env)]);
    for (const result of results) if (result.status === 'rejected') throw result.reason;
  },
} satisfies ExportedHandler<Env>;
