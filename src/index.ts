import { createApp } from './app';
import { consumeEvents } from './events/consumer';
import { runScheduled } from './events/scheduled';
import type { EventsMessage } from './events/types';

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => consumeEvents(batch as MessageBatch<EventsMessage>, env),
  scheduled: (controller, env) => runScheduled(controller, env).then(() => undefined),
} satisfies ExportedHandler<Env>;
