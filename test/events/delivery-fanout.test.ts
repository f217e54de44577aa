import { env } from 'cloudflare:test';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createCourse, createUser, enroll } from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';
import {
  addDelivery,
  CHANGED,
  CREATED,
  cleanUp,
  deliver,
  deliveryOf,
  enrollmentEvent,
  eventsAbout,
  eventually,
  forEvent,
  receive,
  runQueue,
  statuses,
  subscribe,
  track,
  UNENROLLED,
} from './support';

// Who gets which event (docs/events.md#subscriptions, #delivery): the fan-out from the log to the
// subscriptions, and one change followed from the request through the local queue to the receiver.

afterEach(cleanUp);

const dispatch = () => runQueue([{ kind: 'dispatch' }]);

/** The types of `subject`'s events delivered to `name`, in log order. */
async function deliveredTypes(name: string, subject: string) {
  const { results } = await env.DB.prepare(
    `select e.type from webhook_deliveries d join events e on e.seq = d.seq
     where d.subscription_name = ? and e.subject = ? and d.status = 'succeeded' order by e.seq`,
  )
    .bind(name, subject)
    .all<{ type: string }>();
  return results.map((r) => r.type);
}

describe('through the local queue', () => {
  it('an enrollment POST reaches a receiver that answers 500, then 200 on the retry', async () => {
    const user = await createUser();
    const course = await createCourse();
    const sub = await subscribe([CREATED]);
    const captured = receive(sub.url, statuses(500, 200));
    const res = await call('/api/enrollment/v1/enrollment', {
      method: 'POST',
      headers: await jwtHeader(user.username),
      json: { course_details: { course_id: course.id } },
    });
    expect(res.status).toBe(200);
    // The request's dispatch message → the consumer → the first attempt, inline.
    await eventually(async () => expect((await eventsAbout(course.id))[0]?.dispatched_at).not.toBeNull());
    const [event] = await eventsAbout(course.id);
    if (!event) throw new Error('no event');
    await eventually(async () => expect((await deliveryOf(sub.name, event.seq))?.attempts).toBe(1));
    const failed = await deliveryOf(sub.name, event.seq);
    expect(failed).toMatchObject({ status: 'pending', last_status_code: 500 });
    // The queue brings the retry back after the default 30 s backoff: this test delivers it now.
    expect(failed?.next_attempt_at).toBeGreaterThan(Date.now() + 20_000);
    await runQueue([deliver(sub.name, event.seq)]);
    expect(await deliveryOf(sub.name, event.seq)).toMatchObject({ status: 'succeeded', attempts: 2 });
    const attempts = forEvent(captured, event.id);
    expect(attempts.map((a) => a.headers['webhook-id'])).toEqual([event.id, event.id]);
    expect(JSON.parse(attempts[1]?.body ?? '{}')).toMatchObject({ id: event.id, seq: event.seq, subject: course.id });
  });

  it('a failed delivery replayed through the admin API is delivered, signed with the subscription secret', async () => {
    const { event } = await enrollmentEvent();
    const name = unique('replayed');
    const url = `https://${name}.receiver.test/hook`;
    const put = await call(`/api/admin/v1/webhooks/${name}`, {
      method: 'PUT',
      headers: apiKeyHeader,
      json: { url, event_types: [CREATED] },
    });
    expect(put.status).toBe(201);
    track(name);
    let answer = 500;
    const captured = receive(url, () => new Response(null, { status: answer }));
    await addDelivery(name, event.seq);
    await runQueue([deliver(name, event.seq)], { WEBHOOK_MAX_ATTEMPTS: '1' });
    expect(await deliveryOf(name, event.seq)).toMatchObject({ status: 'failed', attempts: 1 });

    answer = 200;
    const replay = await call(`/api/admin/v1/webhooks/${name}/replay`, {
      method: 'POST',
      headers: apiKeyHeader,
      json: { event_ids: [event.id] },
    });
    expect(replay).toMatchObject({ status: 202, body: { queued: 1 } });
    await eventually(async () => expect((await deliveryOf(name, event.seq))?.status).toBe('succeeded'));
    const attempts = forEvent(captured, event.id);
    expect(attempts).toHaveLength(2);
    const last = attempts[1];
    if (!last) throw new Error('no replayed attempt');
    expect(new Webhook(put.body.secret).verify(last.body, last.headers)).toMatchObject({ id: event.id });
  });
});

describe('fan-out', () => {
  it('events committed before a subscription was created are not delivered to it', async () => {
    const { event: before, course } = await enrollmentEvent();
    const sub = await subscribe([CREATED]);
    const captured = receive(sub.url);
    await enroll((await createUser()).id, course.id);
    const after = (await eventsAbout(course.id)).find((e) => e.seq > before.seq);
    if (!after) throw new Error('no later event');
    await dispatch();
    await eventually(async () => expect((await deliveryOf(sub.name, after.seq))?.status).toBe('succeeded'));
    expect(await deliveryOf(sub.name, before.seq)).toBeNull();
    expect(forEvent(captured, before.id)).toHaveLength(0);
    expect(forEvent(captured, after.id)).toHaveLength(1);
  });

  it('each subscription gets the types it asked for', async () => {
    const changes = await subscribe([CHANGED]);
    const createdAndGone = await subscribe([CREATED, UNENROLLED]);
    const everything = await subscribe(['*']);
    for (const sub of [changes, createdAndGone, everything]) receive(sub.url);
    const { course, enrollment } = await enrollmentEvent();
    await env.DB.prepare('update enrollments set is_active = 0 where id = ?').bind(enrollment.id).run();
    expect((await eventsAbout(course.id)).map((e) => e.type)).toEqual([CREATED, CHANGED, UNENROLLED]);
    await dispatch();
    await eventually(async () => expect(await deliveredTypes(everything.name, course.id)).toHaveLength(3));
    await eventually(async () => expect(await deliveredTypes(createdAndGone.name, course.id)).toHaveLength(2));
    await eventually(async () => expect(await deliveredTypes(changes.name, course.id)).toHaveLength(1));
    expect(await deliveredTypes(everything.name, course.id)).toEqual([CREATED, CHANGED, UNENROLLED]);
    expect(await deliveredTypes(createdAndGone.name, course.id)).toEqual([CREATED, UNENROLLED]);
    expect(await deliveredTypes(changes.name, course.id)).toEqual([CHANGED]);
  });

  it('one event goes to every subscription that wants it, each signed with its own secret', async () => {
    const first = await subscribe([CREATED]);
    const second = await subscribe([CREATED]);
    const a = receive(first.url);
    const b = receive(second.url);
    const { event } = await enrollmentEvent();
    await dispatch();
    await eventually(() => expect([forEvent(a, event.id).length, forEvent(b, event.id).length]).toEqual([1, 1]));
    const [toFirst] = forEvent(a, event.id);
    const [toSecond] = forEvent(b, event.id);
    expect(toFirst?.body).toBe(toSecond?.body);
    expect(toFirst?.headers['webhook-signature']).not.toBe(toSecond?.headers['webhook-signature']);
    await eventually(async () => {
      expect((await deliveryOf(first.name, event.seq))?.status).toBe('succeeded');
      expect((await deliveryOf(second.name, event.seq))?.status).toBe('succeeded');
    });
  });

  it('a fan-out wider than the inline attempts sends the rest through the queue', async () => {
    const subs = await Promise.all(Array.from({ length: 25 }, () => subscribe([CREATED])));
    const captured = subs.map((sub) => receive(sub.url));
    const { event } = await enrollmentEvent();
    await dispatch();
    await eventually(async () => {
      const rows = await Promise.all(subs.map((sub) => deliveryOf(sub.name, event.seq)));
      expect(rows.map((row) => row?.status)).toEqual(subs.map(() => 'succeeded'));
    });
    expect(captured.map((c) => forEvent(c, event.id).length)).toEqual(subs.map(() => 1));
  });
});
