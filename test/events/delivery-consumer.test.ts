import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  addDelivery,
  CREATED,
  cleanUp,
  DLQ,
  deliver,
  deliveryOf,
  enrollmentEvent,
  eventually,
  forEvent,
  receive,
  runQueue,
  statuses,
  subscribe,
} from './support';

// The EVENTS queue handler, called with batches built by `createMessageBatch` (docs/events.md#delivery).
// Each test's delivery is created by hand for an event committed before its subscription, as a replay
// does: no dispatcher touches it, so attempts are counted exactly.

afterEach(cleanUp);

/** An event, a subscription and one pending delivery of the event to it. */
async function pendingDelivery(types = [CREATED]) {
  const { event, course } = await enrollmentEvent();
  const sub = await subscribe(types);
  await addDelivery(sub.name, event.seq);
  return { event, course, sub };
}

describe('deliver messages', () => {
  it('a 2xx settles the delivery and acks the message', async () => {
    const { event, sub } = await pendingDelivery();
    const captured = receive(sub.url, () => new Response('ok', { status: 200 }));
    const before = Date.now();
    const { result, retries, ids } = await runQueue([deliver(sub.name, event.seq)]);
    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);
    expect(retries[0]).not.toHaveBeenCalled();
    expect(forEvent(captured, event.id)).toHaveLength(1);
    const row = await deliveryOf(sub.name, event.seq);
    expect(row).toMatchObject({ status: 'succeeded', attempts: 1, last_status_code: 200, last_error: null });
    expect(row?.next_attempt_at).toBeNull();
    expect(row?.delivered_at).toBeGreaterThanOrEqual(before);
  });

  it('500 then 200: retried after the backoff with the same webhook-id, succeeded on attempt 2', async () => {
    const { event, sub } = await pendingDelivery();
    const captured = receive(sub.url, statuses(500, 200));
    const vars = { WEBHOOK_BACKOFF_SECONDS: '1' };
    const before = Date.now();
    const first = await runQueue([deliver(sub.name, event.seq)], vars);
    expect(first.retries[0]).toHaveBeenCalledExactlyOnceWith({ delaySeconds: 1 });
    expect(first.result.retryMessages).toEqual([{ msgId: first.ids[0] }]);
    expect(first.result.explicitAcks).toEqual([]);
    const pending = await deliveryOf(sub.name, event.seq);
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500 });
    expect(pending?.last_error).toContain('500');
    expect(pending?.next_attempt_at).toBeGreaterThanOrEqual(before + 1000);
    expect(pending?.next_attempt_at).toBeLessThanOrEqual(Date.now() + 1000);

    const second = await runQueue([deliver(sub.name, event.seq)], vars);
    expect(second.result.explicitAcks).toEqual(second.ids);
    expect(second.retries[0]).not.toHaveBeenCalled();
    const attempts = forEvent(captured, event.id);
    expect(attempts.map((a) => a.headers['webhook-id'])).toEqual([event.id, event.id]);
    expect(attempts[1]?.body).toBe(attempts[0]?.body);
    expect(await deliveryOf(sub.name, event.seq)).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      last_status_code: 200,
    });
  });

  it('always 500: backoff doubles, failed after WEBHOOK_MAX_ATTEMPTS, then a replay delivers it', async () => {
    const { event, sub } = await pendingDelivery();
    let answer = 500;
    const captured = receive(sub.url, () => new Response(null, { status: answer }));
    const vars = { WEBHOOK_BACKOFF_SECONDS: '1', WEBHOOK_MAX_ATTEMPTS: '3' };
    const delays: unknown[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const { result, retries, ids } = await runQueue([deliver(sub.name, event.seq)], vars);
      delays.push(...(retries[0]?.mock.calls.map((call) => call[0]) ?? []));
      if (attempt === 3) expect(result.explicitAcks).toEqual(ids);
    }
    expect(delays).toEqual([{ delaySeconds: 1 }, { delaySeconds: 2 }]);
    const failed = await deliveryOf(sub.name, event.seq);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, last_status_code: 500, next_attempt_at: null });

    // A late copy of the message finds the delivery settled: acked, nothing sent.
    const late = await runQueue([deliver(sub.name, event.seq)], vars);
    expect(late.result.explicitAcks).toEqual(late.ids);
    expect(forEvent(captured, event.id)).toHaveLength(3);

    // Replay: the delivery pending again, its message through the local queue.
    answer = 200;
    await env.DB.prepare(
      `update webhook_deliveries set status = 'pending', attempts = 0, next_attempt_at = ?
       where subscription_name = ? and seq = ?`,
    )
      .bind(Date.now(), sub.name, event.seq)
      .run();
    await env.EVENTS.send(deliver(sub.name, event.seq));
    await eventually(async () => expect((await deliveryOf(sub.name, event.seq))?.status).toBe('succeeded'));
    expect(forEvent(captured, event.id)).toHaveLength(4);
  });

  it('a crash in the consumer is retried by the queue (no delay), and logged', async () => {
    const { event, sub } = await pendingDelivery();
    // Not a secret the admin API would accept: signing it throws.
    await env.DB.prepare("update webhook_subscriptions set secret = 'whsec_!!!' where name = ?").bind(sub.name).run();
    const captured = receive(sub.url);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { result, retries, ids } = await runQueue([deliver(sub.name, event.seq)]);
    expect(retries[0]).toHaveBeenCalledExactlyOnceWith();
    expect(result.retryMessages).toEqual([{ msgId: ids[0] }]);
    expect(captured).toHaveLength(0);
    expect(errors.mock.calls.map((c) => String(c[0])).join('\n')).toContain('events_consumer_error');
    expect(await deliveryOf(sub.name, event.seq)).toMatchObject({ status: 'pending', attempts: 0 });
  });
});

describe('dispatch messages', () => {
  it('fan out an event once per batch, attempt it inline and ack every message', async () => {
    const sub = await subscribe([CREATED]);
    const captured = receive(sub.url);
    const { event } = await enrollmentEvent();
    const { result, ids } = await runQueue([{ kind: 'dispatch' }, { kind: 'dispatch' }]);
    expect(result.explicitAcks.sort()).toEqual([...ids].sort());
    expect(result.retryMessages).toEqual([]);
    // Another test's dispatch may have fanned it out first: then its consumer made the attempt.
    await eventually(async () => expect((await deliveryOf(sub.name, event.seq))?.status).toBe('succeeded'));
    expect(forEvent(captured, event.id)).toHaveLength(1);
  });
});

describe('the dead-letter queue', () => {
  it('logs every message and acks it, sending nothing', async () => {
    const { event, sub } = await pendingDelivery();
    const captured = receive(sub.url);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bodies = [deliver(sub.name, event.seq), { kind: 'dispatch' } as const];
    const { result, retries, ids } = await runQueue(bodies, {}, DLQ);
    expect(result.explicitAcks).toEqual(ids);
    expect(result.retryMessages).toEqual([]);
    for (const retry of retries) expect(retry).not.toHaveBeenCalled();
    expect(captured).toHaveLength(0);
    const logged = errors.mock.calls.map((c) => JSON.parse(String(c[0])));
    expect(logged).toEqual([
      { event: 'events_dead_letter', message: bodies[0], attempts: 1 },
      { event: 'events_dead_letter', message: bodies[1], attempts: 1 },
    ]);
    // The delivery stays pending for the sweeper.
    expect(await deliveryOf(sub.name, event.seq)).toMatchObject({ status: 'pending', attempts: 0 });
  });
});
