import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context';
import { requestDispatch } from './enqueue';
import type { EventsMessage } from './types';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * After a successful write, asks the EVENTS consumer to fan out what it committed — after the
 * response (`waitUntil`), so the request never waits for the queue. A write that emitted nothing
 * costs one small message and one D1 query in the consumer; a lost message is made good by the
 * cron's sweep within about a minute (docs/events.md#delivery).
 */
export const dispatchAfterWrites: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (READS.has(c.req.method) || c.res.status >= 400 || !c.env.EVENTS) return;
  // A replayed answer (docs/api/idempotency.md) committed nothing.
  if (c.res.headers.has('Idempotent-Replayed')) return;
  const deps = c.get('deps');
  if (!deps || deps.metrics.queries === 0) return;
  deps.background(requestDispatch(c.env.EVENTS as Queue<EventsMessage>));
};
