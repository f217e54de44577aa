import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { createUser, enroll } from '../helpers/fixtures';
import { unique } from '../helpers/request';
import {
  addDelivery,
  CREATED,
  cleanUp,
  deleteSubscription,
  deliver,
  deliveryOf,
  enrollmentEvent,
  eventsAbout,
  forEvent,
  receive,
  runQueue,
  silent,
  subscribe,
  subscriptionEnabled,
} from './support';

// Receivers that misbehave (docs/events.md#delivery): every failure is retried through the queue's
// delay; 410 turns the subscription off; a delivery whose subscription is gone or off sends nothing.

afterEach(cleanUp);

async function pendingDelivery(types = [CREATED]) {
  const { event, course, user } = await enrollmentEvent();
  const sub = await subscribe(types);
  await addDelivery(sub.name, event.seq);
  return { event, course, user, sub };
}

describe('receiver faults', () => {
  it('no answer within WEBHOOK_TIMEOUT_SECONDS is a failed attempt, retried', async () => {
    const { event, sub } = await pendingDelivery();
    const captured = receive(sub.url, silent);
    const started = Date.now();
    const { retries, result } = await runQueue([deliver(sub.name, event.seq)], {
      WEBHOOK_TIMEOUT_SECONDS: '1',
      WEBHOOK_BACKOFF_SECONDS: '5',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(retries[0]).toHaveBeenCalledExactlyOnceWith({ delaySeconds: 5 });
    expect(result.explicitAcks).toEqual([]);
    expect(forEvent(captured, event.id)).toHaveLength(1);
    expect(await deliveryOf(sub.name, event.seq)).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_status_code: null,
      last_error: 'no answer within 1 s',
    });
  });

  it('a network error is a failed attempt, retried', async () => {
    const { event, sub } = await pendingDelivery();
    receive(sub.url, () => {
      throw new TypeError('Network connection lost.');
    });
    const { retries } = await runQueue([deliver(sub.name, event.seq)], { WEBHOOK_BACKOFF_SECONDS: '7' });
    expect(retries[0]).toHaveBeenCalledExactlyOnceWith({ delaySeconds: 7 });
    const row = await deliveryOf(sub.name, event.seq);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null });
    expect(row?.last_error).toContain('Network connection lost');
  });

  it('a 3xx is a failure: the redirect is not followed', async () => {
    const { event, sub } = await pendingDelivery();
    const elsewhere = `https://${unique('moved')}.receiver.test/hook`;
    const captured = receive(sub.url, () => new Response(null, { status: 307, headers: { location: elsewhere } }));
    const redirected = receive(elsewhere);
    const { retries } = await runQueue([deliver(sub.name, event.seq)], { WEBHOOK_BACKOFF_SECONDS: '1' });
    expect(retries[0]).toHaveBeenCalledExactlyOnceWith({ delaySeconds: 1 });
    const [attempt] = forEvent(captured, event.id);
    expect(attempt?.init?.redirect).toBe('manual');
    expect(redirected).toHaveLength(0);
    expect(await deliveryOf(sub.name, event.seq)).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_status_code: 307,
    });
  });

  it('410 disables the subscription: the delivery fails for good and later events are not delivered', async () => {
    const { event, course, sub } = await pendingDelivery();
    const captured = receive(sub.url, () => new Response('gone', { status: 410 }));
    const { result, retries, ids } = await runQueue([deliver(sub.name, event.seq)]);
    expect(result.explicitAcks).toEqual(ids);
    expect(retries[0]).not.toHaveBeenCalled();
    expect(await deliveryOf(sub.name, event.seq)).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_status_code: 410,
    });
    expect(await subscriptionEnabled(sub.name)).toBe(0);

    await enroll((await createUser()).id, course.id);
    await runQueue([{ kind: 'dispatch' }]);
    const later = (await eventsAbout(course.id)).find((e) => e.seq > event.seq);
    expect(later?.dispatched_at).not.toBeNull();
    expect(await deliveryOf(sub.name, later?.seq ?? 0)).toBeNull();
    expect(captured.map((c) => c.headers['webhook-id'])).toEqual([event.id]);
  });
});

describe('subscriptions that went away', () => {
  it('deleted between attempts: the next deliver message is acked and nothing is sent', async () => {
    const { event, sub } = await pendingDelivery();
    const captured = receive(sub.url, () => new Response(null, { status: 503 }));
    const first = await runQueue([deliver(sub.name, event.seq)], { WEBHOOK_BACKOFF_SECONDS: '1' });
    expect(first.retries[0]).toHaveBeenCalledOnce();
    await deleteSubscription(sub.name);
    expect(await deliveryOf(sub.name, event.seq)).toBeNull();
    const next = await runQueue([deliver(sub.name, event.seq)], { WEBHOOK_BACKOFF_SECONDS: '1' });
    expect(next.result.explicitAcks).toEqual(next.ids);
    expect(next.retries[0]).not.toHaveBeenCalled();
    expect(forEvent(captured, event.id)).toHaveLength(1);
  });

  it('disabled after the fan-out: its pending delivery sends nothing', async () => {
    const { event, sub } = await pendingDelivery();
    const captured = receive(sub.url);
    await env.DB.prepare('update webhook_subscriptions set enabled = 0 where name = ?').bind(sub.name).run();
    const { result, ids } = await runQueue([deliver(sub.name, event.seq)]);
    expect(result.explicitAcks).toEqual(ids);
    expect(captured).toHaveLength(0);
    expect(await deliveryOf(sub.name, event.seq)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('disabled from the start: no delivery is created for its events', async () => {
    const sub = await subscribe([CREATED], { enabled: false });
    const captured = receive(sub.url);
    const { event, course } = await enrollmentEvent();
    await runQueue([{ kind: 'dispatch' }]);
    const [dispatched] = await eventsAbout(course.id);
    expect(dispatched?.dispatched_at).not.toBeNull();
    expect(await deliveryOf(sub.name, event.seq)).toBeNull();
    expect(captured).toHaveLength(0);
  });
});
