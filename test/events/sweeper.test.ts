import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { afterEach, describe, expect, it } from 'vitest';
import { events } from '../../src/db/schema';
import { purgeEventsBefore } from '../../src/events/log.repo';
import type { EventsMessage } from '../../src/events/types';
import { unique } from '../helpers/request';
import {
  addDelivery,
  ageEvent,
  CREATED,
  cleanUp,
  deliveryOf,
  enrollmentEvent,
  eventsAbout,
  eventually,
  forEvent,
  receive,
  runSweep,
  subscribe,
} from './support';

// The cron's sweep (docs/events.md#delivery): what committed but never reached the queue, deliveries
// whose message was lost, and the retention purge.

afterEach(cleanUp);

const DAY_MS = 86_400_000;

/** The real EVENTS queue, recording what the sweep sends to it. */
function recordingQueue() {
  const sent: EventsMessage[] = [];
  const queue = env.EVENTS as Queue<EventsMessage>;
  const recorder = {
    send: (body: EventsMessage, options?: QueueSendOptions) => {
      sent.push(body);
      return queue.send(body, options);
    },
    sendBatch: (messages: Iterable<MessageSendRequest<EventsMessage>>, options?: QueueSendBatchOptions) => {
      const list = [...messages];
      sent.push(...list.map((m) => m.body));
      return queue.sendBatch(list, options);
    },
  };
  return { sent, vars: { EVENTS: recorder as unknown as Queue } };
}

const sentFor = (sent: EventsMessage[], name: string, seq: number) =>
  sent.filter((m) => m.kind === 'deliver' && m.subscription === name && m.seq === seq);

/** An event that is already dispatched and cannot reach any subscriber: for the purge only. */
async function storedEvent(ageMs: number) {
  const subject = unique('purge');
  const now = Date.now();
  return env.DB.prepare(
    `insert into events (type, subject, data, time, dispatched_at) values (?, ?, '{}', ?, ?) returning seq`,
  )
    .bind(CREATED, subject, now - ageMs, now)
    .first<{ seq: number }>()
    .then((row) => ({ seq: row?.seq ?? 0, subject }));
}

describe('the sweep', () => {
  it('dispatches events the isolate never enqueued (older than a minute), and the receiver gets them', async () => {
    const sub = await subscribe([CREATED]);
    const captured = receive(sub.url);
    const { event } = await enrollmentEvent();
    await ageEvent(event.seq, 2 * 60_000);
    const [stored] = await eventsAbout(event.subject);
    expect(stored?.dispatched_at).toBeNull();
    const { sent, vars } = recordingQueue();
    await runSweep(vars);
    expect(sentFor(sent, sub.name, event.seq)).toHaveLength(1);
    expect((await eventsAbout(event.subject))[0]?.dispatched_at).not.toBeNull();
    await eventually(async () => expect((await deliveryOf(sub.name, event.seq))?.status).toBe('succeeded'));
    expect(forEvent(captured, event.id)).toHaveLength(1);
  });

  it('leaves an event younger than a minute to its own request', async () => {
    const sub = await subscribe([CREATED]);
    receive(sub.url);
    const { event } = await enrollmentEvent();
    const { sent, vars } = recordingQueue();
    await runSweep(vars);
    expect(sentFor(sent, sub.name, event.seq)).toHaveLength(0);
  });

  it('re-sends an overdue pending delivery once: the claim keeps the next sweep from sending it again', async () => {
    const { event } = await enrollmentEvent();
    const sub = await subscribe([CREATED]);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Holds the re-sent attempt open, so the delivery is still pending during the second sweep.
    const captured = receive(sub.url, () => held.then(() => new Response(null, { status: 200 })));
    await addDelivery(sub.name, event.seq, { attempts: 1, nextAttemptAt: Date.now() - 5 * 60_000 });

    const first = recordingQueue();
    await runSweep(first.vars);
    expect(sentFor(first.sent, sub.name, event.seq)).toHaveLength(1);
    const claimed = await deliveryOf(sub.name, event.seq);
    expect(claimed?.status).toBe('pending');
    expect(claimed?.next_attempt_at).toBeGreaterThan(Date.now() + 60_000);

    const second = recordingQueue();
    await runSweep(second.vars);
    expect(sentFor(second.sent, sub.name, event.seq)).toHaveLength(0);

    release();
    await eventually(async () => expect((await deliveryOf(sub.name, event.seq))?.status).toBe('succeeded'));
    expect(await deliveryOf(sub.name, event.seq)).toMatchObject({ attempts: 2 });
    expect(forEvent(captured, event.id)).toHaveLength(1);
  });

  it('does not re-send overdue deliveries of a disabled subscription', async () => {
    const { event } = await enrollmentEvent();
    const sub = await subscribe([CREATED], { enabled: false });
    await addDelivery(sub.name, event.seq, { nextAttemptAt: Date.now() - 5 * 60_000 });
    const { sent, vars } = recordingQueue();
    await runSweep(vars);
    expect(sentFor(sent, sub.name, event.seq)).toHaveLength(0);
  });

  it('purges events older than EVENTS_RETENTION_DAYS, with their deliveries', async () => {
    const sub = await subscribe([CREATED]);
    const expired = await storedEvent(31 * DAY_MS);
    const kept = await storedEvent(29 * DAY_MS);
    await storedEvent(0);
    // Not due for an hour: the sweep must not send it before purging it.
    await addDelivery(sub.name, expired.seq, { nextAttemptAt: Date.now() + 3_600_000 });
    await runSweep();
    expect(await eventsAbout(expired.subject)).toEqual([]);
    expect(await deliveryOf(sub.name, expired.seq)).toBeNull();
    expect(await eventsAbout(kept.subject)).toHaveLength(1);
  });
});

describe('the purge', () => {
  it('keeps the newest event even when it is past retention', async () => {
    const db = drizzle(env.DB);
    const now = Date.now();
    const subject = unique('newest');
    // One batch: no other test's event can commit between the insert and the purge.
    const [, , rows] = await db.batch([
      db.insert(events).values({ type: CREATED, subject, data: '{}', time: now - 400 * DAY_MS, dispatchedAt: now }),
      purgeEventsBefore(db, now - 30 * DAY_MS),
      db.select({ seq: events.seq }).from(events).where(eq(events.subject, subject)),
    ]);
    expect(rows).toHaveLength(1);
  });
});
