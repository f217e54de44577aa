import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { organizations } from '../../src/db/schema';
import worker from '../../src/index';
import { body } from '../enrollments/support';
import { BASE, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';
import { effects, enrollCall, keyed, keyRows, learnerAndCourse, newKey } from './support';
import { keyedWriteApp } from './test-app';

// docs/api/idempotency.md#not-stored: 401, 403, 429 and 5xx leave the key free for a retry.

describe('answers that are not kept', () => {
  it('401 (bad JWT), then a valid retry with the same key runs and is kept', async () => {
    const { course, headers } = await learnerAndCourse();
    const key = newKey();
    const refused = await enrollCall(course, keyed(key, { Authorization: 'JWT not-a-token' }));
    expect(refused.status).toBe(401);
    expect(await keyRows(key)).toEqual([]);
    const ok = await enrollCall(course, keyed(key, headers));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('Idempotent-Replayed')).toBeNull();
    expect((await effects(course.id)).enrollments).toBe(1);
  });

  it('403 is not kept: the key may then carry another payload', async () => {
    const { course, headers } = await learnerAndCourse();
    const key = newKey();
    const forbidden = await enrollCall(course, keyed(key, headers), { json: body(course.id, { mode: 'verified' }) });
    expect(forbidden.status, forbidden.text).toBe(403);
    expect(await keyRows(key)).toEqual([]);
    const ok = await enrollCall(course, keyed(key, headers));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('Idempotent-Replayed')).toBeNull();
  });

  it('429 is not kept: the throttled call is retried with the same key once the window allows', async () => {
    const { course, headers } = await learnerAndCourse();
    const throttled: Env = { ...env, RATE_LIMIT_ENABLED: 'true', THROTTLE_USER_RATE: '1/minute' };
    const send = async (scenario: Env, key: string) => {
      const ctx = createExecutionContext();
      const init = {
        method: 'POST',
        body: JSON.stringify(body(course.id)),
        headers: keyed(key, { ...headers, 'Content-Type': 'application/json' }),
      };
      const res = await worker.fetch(new Request(`${BASE}/api/enrollment/v1/enrollment`, init), scenario, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    };
    const key = newKey();
    await send(throttled, newKey());
    const limited = await send(throttled, key);
    expect(limited.status).toBe(429);
    expect(await keyRows(key)).toEqual([]);
    const ok = await send({ ...env }, key);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('Idempotent-Replayed')).toBeNull();
  });
});

describe('5xx after a write frees the key (test app)', () => {
  // A write route of its own, mounted like the real ones, whose handler writes and then fails.
  function app(fail: { now: boolean }) {
    return keyedWriteApp('/boom', async (c, prefix) => {
      const now = Date.now();
      const org = { shortName: `${prefix}-${crypto.randomUUID()}`, name: 'x', createdAt: now, updatedAt: now };
      await c.get('deps').db.batch([c.get('deps').db.insert(organizations).values(org)]);
      if (fail.now) throw new Error('boom after the write');
      return c.json({ ok: true });
    });
  }
  const orgs = async (prefix: string) =>
    (
      await env.DB.prepare('select count(*) n from organizations where short_name like ?')
        .bind(`${prefix}-%`)
        .first<{ n: number }>()
    )?.n;

  it('the 500 is not kept; the retry runs again and its 200 is kept', async () => {
    const fail = { now: true };
    const a = app(fail);
    const key = newKey();
    const prefix = unique('boom');
    const headers = keyed(key, { ...(await jwtHeader(unique('boomer'))), 'Content-Type': 'application/json' });
    const send = async () => {
      const ctx = createExecutionContext();
      const res = await a.request('/boom', { method: 'POST', body: JSON.stringify({ prefix }), headers }, env, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    };
    const failed = await send();
    expect(failed.status).toBe(500);
    expect(await keyRows(key)).toEqual([]);
    expect(await orgs(prefix)).toBe(1);
    fail.now = false;
    const ok = await send();
    expect(ok.status).toBe(200);
    expect(ok.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await orgs(prefix)).toBe(2);
    expect(await keyRows(key)).toHaveLength(1);
    const replay = await send();
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await orgs(prefix)).toBe(2);
  });
});
