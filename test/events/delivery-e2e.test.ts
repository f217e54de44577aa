import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCourse, createUser } from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';

const SECRET = `whsec_${btoa('k'.repeat(32))}`;

async function subscribe(name: string, url: string, types: string[]) {
  const end = await env.DB.prepare('select coalesce(max(seq), 0) as s from events').first<{ s: number }>();
  await env.DB.prepare(
    `insert into webhook_subscriptions (name, url, event_types, enabled, secret, from_seq, created_at, updated_at)
     values (?, ?, ?, 1, ?, ?, 0, 0)`,
  )
    .bind(name, url, JSON.stringify(types), SECRET, end?.s ?? 0)
    .run();
}

afterEach(() => vi.restoreAllMocks());

describe('delivery end to end through the local queue', () => {
  it('an enrollment POST reaches a subscribed receiver', async () => {
    const user = await createUser();
    const course = await createCourse();
    const url = `https://${unique('r')}.receiver.test/hook`;
    const received: { headers: Headers; body: string }[] = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const request = new Request(input as RequestInfo, init);
      if (request.url !== url) return realFetch(input as RequestInfo, init);
      received.push({ headers: request.headers, body: await request.text() });
      return new Response(null, { status: 204 });
    });
    await subscribe(unique('sub'), url, ['*']);
    const res = await call('/api/enrollment/v1/enrollment', {
      method: 'POST',
      headers: await jwtHeader(user.username),
      json: { course_details: { course_id: course.id } },
    });
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(received.length).toBeGreaterThan(0), { timeout: 10_000, interval: 100 });
    const [first] = received;
    if (!first) throw new Error('nothing received');
    const envelope = JSON.parse(first.body);
    expect(envelope.type).toBe('org.openedx.learning.course.enrollment.created.v1');
    expect(envelope.subject).toBe(course.id);
    expect(envelope.data.origin).toBe('enrollment_api');
    expect(envelope.data.user.pii.username).toBe(user.username);
    expect(first.headers.get('webhook-signature')).toMatch(/^v1,/);
  });
});
