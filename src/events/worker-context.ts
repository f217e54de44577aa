import { loadConfig } from '../config';
import { createDb, newDbMetrics } from '../db/client';
import type { DeliveryContext } from './delivery.service';
import type { EventsMessage } from './types';

/** What the queue consumer and the cron need: D1, the configuration, the clock and the queue. */
export interface BackgroundContext extends DeliveryContext {
  queue: Queue<EventsMessage>;
}

export function backgroundContext(env: Env): BackgroundContext {
  return {
    db: createDb(env.DB, newDbMetrics()),
    config: loadConfig(env),
    now: () => Date.now(),
    queue: env.EVENTS as Queue<EventsMessage>,
  };
}
