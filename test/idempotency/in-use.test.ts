import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/idempotency/idempotency.service';
import worker from '../../src/index';
import { body } from '../enrollments/support';
import { BASE } from '../helpers/request';
import { ENROLL, effects, enrollCall, keyed, keyRows, learnerAndCourse, newKey } from './support';

// docs/api/idempotency.md#in-use, #stale: a key held by a running request (a row without an answer).

async function holdRunning(
  username: string,
  key: string,
  json: unknown,
  startedAgoMs: number,
  status: number | null = null,
) {
  const bytes = new TextEncoder().encode(JSON.stringify(json)).buffer as ArrayBuffer;
  const print = await fingerprint('POST', ENROLL, '', 'application/json', bytes);
  const created = Date.now() - startedAgoMs;
  await env.DB.prepare(
    `insert into idempotency_keys (principal, method, path, idempotency_key, fingerprint, claim, status, content_type, created_at, expires_at)
     values (?, 'POST', ?, ?, ?, 'another-request', ?, 'application/json', ?, ?)`,
  )
    .bind(`user:${username}`, ENROLL, key, print, status, created, created + 86_400_000)
    .run();
}

describe('a key held by a running request', () => {
  it('409 idempotency_key_in_use with Retry-After: 1, nothing applied, the row untouched', async () => {
    const { user, course, headers } = await learnerAndCourse();
    const key = newKey();
    await holdRunning(user.username, key, body(course.id), 0);
    const res = await enrollCall(course, keyed(key, headers));
    expect(res.status).toBe(409);
    expect(res.headers.get('Retry-After')).toBe('1');
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.body).toEqual({
      error_code: 'idempotency_key_in_use',
      developer_message: 'A request with this Idempotency-Key is still being processed; retry when it has finished.',
    });
    expect(await effects(course.id)).toEqual({ enrollments: 0, audit: 0, events: 0 });
    expect(await keyRows(key)).toMatchObject([{ claim: 'another-request', status: null }]);
  });

  it('another payload while it runs: 422, not 409', async () => {
    const { user, course, headers } = await learnerAndCourse();
    const key = newKey();
    await holdRunning(user.username, key, body(course.id), 0);
    const res = await enrollCall(course, keyed(key, headers), { json: body(course.id, { mode: 'audit' }) });
    expect(res.status).toBe(422);
  });

  it('running for over a minute: still 409, saying the first request may have been applied', async () => {
    const { user, course, headers } = await learnerAndCourse();
    const key = newKey();
    await holdRunning(user.username, key, body(course.id), 120_000);
    const res = await enrollCall(course, keyed(key, headers));
    expect(res.status).toBe(409);
    expect(res.headers.get('Retry-After')).toBe('1');
    expect(res.body.developer_message).toMatch(/may have been applied/);
  });
});

describe('an answer that was too large to keep (#i6)', () => {
  it('replays its status with idempotent_answer_not_kept and applies nothing', async () => {
    const { user, course, headers } = await learnerAndCourse();
    const key = newKey();
    await holdRunning(user.username, key, body(course.id), 1000, 200);
    const res = await enrollCall(course, keyed(key, headers));
    expect(res.status).toBe(200);
    expect(res.headers.get('Idempotent-Replayed')).toBe('true');
    expect(res.body.error_code).toBe('idempotent_answer_not_kept');
    expect(await effects(course.id)).toEqual({ enrollments: 0, audit: 0, events: 0 });
  });
});

describe('IDEMPOTENCY_TTL_SECONDS', () => {
  it('sets how long the key lives', async () => {
    const { course, headers } = await learnerAndCourse();
    const key = newKey();
    const ctx = createExecutionContext();
    const init = {
      method: 'POST',
      body: JSON.stringify(body(course.id)),
      headers: keyed(key, { ...headers, 'Content-Type': 'application/json' }),
    };
    const res = await worker.fetch(
      new Request(`${BASE}${ENROLL}`, init),
      { ...env, IDEMPOTENCY_TTL_SECONDS: '60' },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    const [row] = await keyRows(key);
    expect((row?.expires_at as number) - (row?.created_at as number)).toBe(60_000);
  });
});
