import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { vi } from 'vitest';
import { newWebhookSecret } from '../../src/events/signature';
import type { EventsMessage } from '../../src/events/types';
import worker from '../../src/index';
import { createCourse, createUser, enroll } from '../helpers/fixtures';
import { unique } from '../helpers/request';

// Subscriptions, receivers, events and queue runs for the delivery tests. Storage, the isolate and
// its queue consumer are shared with other tests (and earlier tests' delayed retries still arrive):
// every name and URL is unique, captured requests are matched by URL (then by `webhook-id`), the
// fetch mock passes everything else through, and `cleanUp` deletes the subscriptions after each test.

export const CREATED = 'org.openedx.learning.course.enrollment.created.v1';
export const CHANGED = 'org.openedx.learning.course.enrollment.changed.v1';
export const UNENROLLED = 'org.openedx.learning.course.unenrollment.completed.v1';
export const QUEUE = 'enrollment-events';
export const DLQ = 'enrollment-events-dlq';

export interface Subscription {
  name: string;
  url: string;
  secret: string;
}

const subscribed: string[] = [];

/** A subscription created now (it receives events committed after this), as the admin API stores it. */
export async function subscribe(types: string[], options: { enabled?: boolean } = {}): Promise<Subscription> {
  const name = unique('sub');
  const sub = { name, url: `https://${name}.receiver.test/hook`, secret: newWebhookSecret() };
  const now = Date.now();
  await env.DB.prepare(
    `insert into webhook_subscriptions (name, url, event_types, enabled, secret, from_seq, created_at, updated_at)
     values (?, ?, ?, ?, ?, (select coalesce(max(seq), 0) from events), ?, ?)`,
  )
    .bind(name, sub.url, JSON.stringify(types), options.enabled === false ? 0 : 1, sub.secret, now, now)
    .run();
  subscribed.push(name);
  return sub;
}

/** A subscription created through the admin API: deleted by `cleanUp` like the others. */
export const track = (name: string) => {
  subscribed.push(name);
};

export const deleteSubscription = (name: string) =>
  env.DB.prepare('delete from webhook_subscriptions where name = ?').bind(name).run();

export const subscriptionEnabled = async (name: string) =>
  (
    await env.DB.prepare('select enabled from webhook_subscriptions where name = ?')
      .bind(name)
      .first<{ enabled: number }>()
  )?.enabled;

export interface Captured {
  url: string;
  headers: Record<string, string>;
  body: string;
  init: RequestInit | undefined;
}

type Responder = (request: Captured, signal: AbortSignal | undefined) => Response | Promise<Response>;
const receivers = new Map<string, { respond: Responder; captured: Captured[] }>();

function interceptFetch() {
  if (vi.isMockFunction(globalThis.fetch)) return;
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init);
    const receiver = receivers.get(request.url);
    if (!receiver) return realFetch(input as RequestInfo, init);
    const captured = {
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body: await request.text(),
      init,
    };
    receiver.captured.push(captured);
    return receiver.respond(captured, init?.signal ?? undefined);
  });
}

/** Answers POSTs to `url` (204 by default) and records them. */
export function receive(url: string, respond: Responder = () => new Response(null, { status: 204 })): Captured[] {
  interceptFetch();
  const captured: Captured[] = [];
  receivers.set(url, { respond, captured });
  return captured;
}

/** Per event (`webhook-id`): the first attempt gets the first status, and so on; the last one repeats. */
export function statuses(...codes: number[]): Responder {
  const seen = new Map<string, number>();
  return (request) => {
    const id = request.headers['webhook-id'] ?? '';
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    return new Response(null, { status: codes[Math.min(n, codes.length - 1)] });
  };
}

/** A receiver that never answers; it gives up when the sender aborts. */
export const silent: Responder = (_request, signal) =>
  new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));

export const forEvent = (captured: Captured[], id: string) => captured.filter((c) => c.headers['webhook-id'] === id);

/** Unmocks fetch, forgets receivers and deletes this file's subscriptions (their deliveries cascade). */
export async function cleanUp() {
  vi.restoreAllMocks();
  receivers.clear();
  const names = subscribed.splice(0);
  for (const name of names) await deleteSubscription(name);
}

export interface LoggedEvent {
  seq: number;
  id: string;
  type: string;
  subject: string;
  time: number;
  dispatched_at: number | null;
}

export const eventsAbout = async (subject: string) =>
  (
    await env.DB.prepare(
      'select seq, id, type, subject, time, dispatched_at from events where subject = ? order by seq',
    )
      .bind(subject)
      .all<LoggedEvent>()
  ).results;

/** A new enrollment, written straight to D1: its trigger logs one `created` event (not dispatched yet). */
export async function enrollmentEvent() {
  const user = await createUser();
  const course = await createCourse();
  const enrollment = await enroll(user.id, course.id);
  const [event] = await eventsAbout(course.id);
  if (!event) throw new Error('the enrollment logged no event');
  return { event, user, course, enrollment };
}

/** Ages an event, as if the change had committed `ms` ago. */
export const ageEvent = (seq: number, ms: number) =>
  env.DB.prepare('update events set time = ? where seq = ?')
    .bind(Date.now() - ms, seq)
    .run();

export interface DeliveryRow {
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: number | null;
  delivered_at: number | null;
}

export const deliveryOf = (name: string, seq: number) =>
  env.DB.prepare(
    `select status, attempts, last_status_code, last_error, next_attempt_at, delivered_at
     from webhook_deliveries where subscription_name = ? and seq = ?`,
  )
    .bind(name, seq)
    .first<DeliveryRow>();

/** A pending delivery, as the dispatcher or a replay creates it. */
export async function addDelivery(
  name: string,
  seq: number,
  values: { attempts?: number; nextAttemptAt?: number } = {},
) {
  const now = Date.now();
  await env.DB.prepare(
    `insert into webhook_deliveries (subscription_name, seq, status, attempts, next_attempt_at, created_at)
     values (?, ?, 'pending', ?, ?, ?)`,
  )
    .bind(name, seq, values.attempts ?? 0, values.nextAttemptAt ?? now, now)
    .run();
}

export const deliver = (subscription: string, seq: number): EventsMessage => ({ kind: 'deliver', subscription, seq });

/** Configuration overrides: the Worker reads its vars from the env it is given. */
export type Vars = Partial<Env> & { EVENTS_SOURCE?: string };

let messageCounter = 0;

/** The Worker's handlers as the runtime calls them, with an execution context. */
const handlers: ExportedHandler<Env> = worker;

/**
 * Runs the Worker's queue handler on one batch, with `vars` overriding the configuration. `retries`
 * spy on each message's `retry`: the pool's result drops `delaySeconds`.
 */
export async function runQueue(bodies: EventsMessage[], vars: Vars = {}, queue = QUEUE) {
  const batch = createMessageBatch<EventsMessage>(
    queue,
    bodies.map((body) => ({ id: `msg-${messageCounter++}`, timestamp: new Date(), attempts: 1, body })),
  );
  const retries = batch.messages.map((message) => vi.spyOn(message, 'retry'));
  const ctx = createExecutionContext();
  if (!handlers.queue) throw new Error('the Worker has no queue handler');
  await handlers.queue(batch as MessageBatch, { ...env, ...vars }, ctx);
  const result = await getQueueResult(batch, ctx);
  return { result, retries, ids: batch.messages.map((m) => m.id) };
}

/** Runs the Worker's cron handler once. */
export async function runSweep(vars: Vars = {}) {
  const controller = createScheduledController({ scheduledTime: new Date(), cron: '* * * * *' });
  const ctx = createExecutionContext();
  if (!handlers.scheduled) throw new Error('the Worker has no scheduled handler');
  await handlers.scheduled(controller, { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
}

/** The local queue and its consumer run in the background: poll until `check` passes. */
export const eventually = (check: () => unknown | Promise<unknown>, timeout = 10_000) =>
  vi.waitFor(check, { timeout, interval: 50 });
