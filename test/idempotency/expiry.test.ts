import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { effects, enrollCall, keyed, keyRows, learnerAndCourse, newKey } from './support';

// docs/api/idempotency.md#expiry: a key lives IDEMPOTENCY_TTL_SECONDS; the cron purges it after.

const expire = (key: string) =>
  env.DB.prepare('update idempotency_keys set expires_at = ? where idempotency_key = ?')
    .bind(Date.now() - 1, key)
    .run();

async function runCron() {
  const handlers = worker as unknown as Required<ExportedHandler<Env>>;
  const ctx = createExecutionContext();
  await handlers.scheduled(createScheduledController({ scheduledTime: new Date(), cron: '* * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe('expiry', () => {
  it('a key expires IDEMPOTENCY_TTL_SECONDS (default one day) after the first request', async () => {
    const { course, headers } = await learnerAndCourse();
    const key = newKey();
    const before = Date.now();
    await enrollCall(course, keyed(key, headers));
    const [row] = await keyRows(key);
    const ttl = (row?.expires_at as number) - (row?.created_at as number);
    expect(ttl).toBe(86_400_000);
    expect(row?.created_at as number).toBeGreaterThanOrEqual(before);
  });

  it('the scheduled handler purges expired keys and keeps the others; a purged key runs anew', async () => {
    const { course, headers } = await learnerAndCourse();
    const [old, live] = [newKey(), newKey()];
    await enrollCall(course, keyed(old, headers));
    await enrollCall(course, keyed(live, headers), {
      json: { course_details: { course_id: course.id }, mode: 'audit' },
    });
    await expire(old);
    await runCron();
    expect(await keyRows(old)).toEqual([]);
    expect(await keyRows(live)).toHaveLength(1);
    const again = await enrollCall(course, keyed(old, headers));
    expect(again.status).toBe(200);
    expect(again.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await keyRows(old)).toHaveLength(1);
  });

  it('an expired key not yet purged is not replayed: the request runs and takes the key again', async () => {
    const { course, headers } = await learnerAndCourse();
    const key = newKey();
    const withKey = keyed(key, headers);
    await enrollCall(course, withKey);
    await expire(key);
    const other = await enrollCall(course, withKey, {
      json: { course_details: { course_id: course.id }, mode: 'audit' },
    });
    expect(other.status).toBe(200);
    expect(other.headers.get('Idempotent-Replayed')).toBeNull();
    const [row] = await keyRows(key);
    expect(row?.expires_at as number).toBeGreaterThan(Date.now());
    expect((await effects(course.id)).enrollments).toBe(1);
  });
});
