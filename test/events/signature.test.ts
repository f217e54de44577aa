import fc from 'fast-check';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { isWebhookSecret, newWebhookSecret, signWebhook } from '../../src/events/signature';
import {
  addDelivery,
  type Captured,
  CREATED,
  cleanUp,
  deliver,
  enrollmentEvent,
  forEvent,
  receive,
  runQueue,
  subscribe,
  type Vars,
} from './support';

// Deliveries checked by an independent Standard Webhooks implementation (the `standardwebhooks`
// package: its own HMAC and base64), against docs/events.md#delivery and #envelope.

afterEach(cleanUp);

const secretOf = (bytes: Uint8Array) => `whsec_${btoa(String.fromCharCode(...bytes))}`;

/** One delivered attempt of a fresh enrollment event, as its receiver saw it. */
async function deliveredAttempt(vars: Vars = {}) {
  const { event, course, user } = await enrollmentEvent();
  const sub = await subscribe([CREATED]);
  await addDelivery(sub.name, event.seq);
  const captured = receive(sub.url);
  await runQueue([deliver(sub.name, event.seq)], vars);
  const [attempt] = forEvent(captured, event.id);
  if (!attempt) throw new Error('nothing delivered');
  return { attempt, event, course, user, sub };
}

const signedHeaders = (attempt: Captured) => ({
  'webhook-id': attempt.headers['webhook-id'] ?? '',
  'webhook-timestamp': attempt.headers['webhook-timestamp'] ?? '',
  'webhook-signature': attempt.headers['webhook-signature'] ?? '',
});

describe('a delivery', () => {
  it('is a signed CloudEvents envelope that standardwebhooks verifies', async () => {
    const { attempt, event, course, user, sub } = await deliveredAttempt();
    expect(attempt.headers['content-type']).toBe('application/cloudevents+json');
    expect(attempt.headers['webhook-id']).toBe(event.id);
    expect(Math.abs(Number(attempt.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    const verified = new Webhook(sub.secret).verify(attempt.body, signedHeaders(attempt));
    expect(verified).toEqual(JSON.parse(attempt.body));
    expect(verified).toEqual({
      specversion: '1.0',
      id: event.id,
      seq: event.seq,
      source: 'http://localhost:18000',
      type: CREATED,
      subject: course.id,
      time: new Date(event.time).toISOString(),
      datacontenttype: 'application/json',
      data: expect.objectContaining({
        user: { id: user.id, is_active: true, pii: { username: user.username, email: user.email, name: '' } },
        course: expect.objectContaining({ course_key: course.id, display_name: course.courseName }),
        mode: 'audit',
        is_active: true,
        previous: null,
      }),
    });
  });

  it('fails verification with another secret, a changed body, id or timestamp', async () => {
    const { attempt, sub } = await deliveredAttempt();
    const headers = signedHeaders(attempt);
    const verify = (secret: string, body: string, h: Record<string, string>) => () =>
      new Webhook(secret).verify(body, h);
    expect(verify(newWebhookSecret(), attempt.body, headers)).toThrow(WebhookVerificationError);
    expect(verify(sub.secret, attempt.body.replace('"seq":', '"seq": '), headers)).toThrow(WebhookVerificationError);
    const otherId = { ...headers, 'webhook-id': crypto.randomUUID() };
    expect(verify(sub.secret, attempt.body, otherId)).toThrow(WebhookVerificationError);
    const earlier = { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) };
    expect(verify(sub.secret, attempt.body, earlier)).toThrow(WebhookVerificationError);
  });

  it('names EVENTS_SOURCE as its source when set', async () => {
    const { attempt } = await deliveredAttempt({ EVENTS_SOURCE: 'https://lms.example.org' });
    expect(JSON.parse(attempt.body).source).toBe('https://lms.example.org');
  });
});

describe('signWebhook', () => {
  it('matches standardwebhooks for any key, id, timestamp and body', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 24, maxLength: 64 }),
        fc.string({ minLength: 1 }),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        fc.string({ unit: 'grapheme' }),
        async (key, id, timestamp, body) => {
          const secret = secretOf(key);
          const expected = new Webhook(secret).sign(id, new Date(timestamp * 1000), body);
          expect(await signWebhook(secret, id, timestamp, body)).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('webhook secrets', () => {
  it('newWebhookSecret: whsec_ + base64 of 32 random bytes, accepted by isWebhookSecret', () => {
    const secrets = Array.from({ length: 20 }, newWebhookSecret);
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(atob(secret.slice('whsec_'.length))).toHaveLength(32);
      expect(isWebhookSecret(secret)).toBe(true);
    }
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it('isWebhookSecret accepts 24 to 64 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 100 }), (key) => {
        expect(isWebhookSecret(secretOf(key))).toBe(key.length >= 24 && key.length <= 64);
      }),
    );
  });

  it.each([
    ['no prefix', btoa('k'.repeat(32))],
    ['another prefix', `whsek_${btoa('k'.repeat(32))}`],
    ['only the prefix', 'whsec_'],
    ['URL-safe alphabet', `whsec_${btoa('\xfb\xff'.repeat(16)).replace(/\+/g, '-').replace(/\//g, '_')}`],
    ['missing padding', `whsec_${btoa('k'.repeat(31)).replace(/=+$/, '')}`],
    ['too much padding', `whsec_${btoa('k'.repeat(32))}==`],
    ['whitespace', `whsec_ ${btoa('k'.repeat(32))}`],
    ['a trailing newline', `whsec_${btoa('k'.repeat(32))}\n`],
  ])('isWebhookSecret rejects %s', (_case, value) => {
    expect(isWebhookSecret(value)).toBe(false);
  });
});
