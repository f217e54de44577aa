import type { Config } from '../config';
import { runBatch } from '../db/batch';
import type { Db } from '../db/client';
import { backoffSeconds } from './backoff';
import { disableSubscription, loadDelivery, recordAttempt } from './deliveries.repo';
import { envelopeJson } from './envelope';
import { signWebhook } from './signature';

// One delivery attempt (docs/events.md#delivery): at most two D1 round trips (load, record), the
// receiver's answer bounded by WEBHOOK_TIMEOUT_SECONDS. It runs in the queue consumer, never in the
// request that made the change, so a slow receiver costs that request nothing.

export interface DeliveryContext {
  db: Db;
  config: Config;
  now: () => number;
}

/** `retryInSeconds`: ask the queue to bring the message back then; otherwise the message is done. */
export type DeliveryOutcome = { retryInSeconds: number } | { done: 'succeeded' | 'failed' | 'skipped' };

type Answer = { ok: boolean; statusCode: number | null; error: string | null };

async function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutSeconds: number,
): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    });
    await response.body?.cancel();
    const ok = response.status >= 200 && response.status < 300;
    return { ok, statusCode: response.status, error: ok ? null : `receiver answered ${response.status}` };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { ok: false, statusCode: null, error: timedOut ? `no answer within ${timeoutSeconds} s` : String(error) };
  }
}

export async function attemptDelivery(
  ctx: DeliveryContext,
  subscription: string,
  seq: number,
): Promise<DeliveryOutcome> {
  const { db, config } = ctx;
  const row = await loadDelivery(db, subscription, seq);
  // Gone (subscription deleted, event purged), settled by an earlier copy of the message, or disabled.
  if (row?.status !== 'pending' || !row.enabled) return { done: 'skipped' };
  const body = envelopeJson(row, config.EVENTS_SOURCE);
  const timestamp = Math.floor(ctx.now() / 1000);
  const headers = {
    'content-type': 'application/cloudevents+json',
    'webhook-id': row.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': await signWebhook(row.secret, row.id, timestamp, body),
  };
  const answer = await post(row.url, headers, body, config.WEBHOOK_TIMEOUT_SECONDS);
  const attempt = row.attempts + 1;
  const gone = answer.statusCode === 410;
  const retry = !answer.ok && !gone && attempt < config.WEBHOOK_MAX_ATTEMPTS;
  const delay = backoffSeconds(attempt, config.WEBHOOK_BACKOFF_SECONDS);
  const now = ctx.now();
  const record = recordAttempt(db, subscription, seq, {
    succeeded: answer.ok,
    statusCode: answer.statusCode,
    error: gone ? 'receiver answered 410: subscription disabled' : answer.error,
    retryAt: retry ? now + delay * 1000 : null,
    now,
  });
  await runBatch(db, gone ? [record, disableSubscription(db, subscription, now)] : [record]);
  if (retry) return { retryInSeconds: delay };
  return { done: answer.ok ? 'succeeded' : 'failed' };
}
