import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { type CounterDeps, hit, resetLocalCounters } from '../../src/throttle/window-counter';
import { unique } from '../helpers/request';

const MINUTE = 60_000;
/** A window start well away from real time (windows are aligned to multiples of their length). */
const T0 = 29_000_000 * MINUTE;

/** Deps with a clock the test moves and background work it can wait for. */
function counterDeps(kv: KVNamespace = env.CACHE) {
  const pending: Promise<unknown>[] = [];
  const clock = { now: T0 };
  const deps: CounterDeps = { kv, now: () => clock.now, background: (work) => void pending.push(work) };
  return {
    deps,
    clock,
    /** Lets the background KV syncs finish (what waitUntil does after the response). */
    settle: async () => {
      while (pending.length) await Promise.allSettled(pending.splice(0));
    },
  };
}

const kvKey = (bucket: string, windowStart = T0) => `throttle:${bucket}:${windowStart}`;

describe('window counter', () => {
  it('admits exactly `limit` requests per window within one isolate', async () => {
    const { deps } = counterDeps();
    const bucket = unique('exact');
    const decisions = [];
    for (let i = 0; i < 6; i++) decisions.push(await hit(deps, bucket, 5, 60));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
  });

  it('admits exactly `limit` of many concurrent first requests', async () => {
    const { deps, settle } = counterDeps();
    const bucket = unique('concurrent');
    const decisions = await Promise.all(Array.from({ length: 20 }, () => hit(deps, bucket, 5, 60)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    await settle();
  });

  it('starts over when the window ends', async () => {
    const { deps, clock, settle } = counterDeps();
    const bucket = unique('reset');
    clock.now = T0 + 10_000;
    expect((await hit(deps, bucket, 1, 60)).allowed).toBe(true);
    expect((await hit(deps, bucket, 1, 60)).allowed).toBe(false);
    clock.now = T0 + MINUTE - 1;
    expect((await hit(deps, bucket, 1, 60)).allowed).toBe(false);
    clock.now = T0 + MINUTE;
    const next = await hit(deps, bucket, 1, 60);
    expect(next).toEqual({ allowed: true, limit: 1, remaining: 0, resetSeconds: 60 });
    await settle();
  });

  it('reports limit, remaining and whole seconds to reset (at least 1)', async () => {
    const { deps, clock, settle } = counterDeps();
    const bucket = unique('numbers');
    clock.now = T0;
    expect(await hit(deps, bucket, 3, 60)).toEqual({ allowed: true, limit: 3, remaining: 2, resetSeconds: 60 });
    clock.now = T0 + 30_000;
    expect(await hit(deps, bucket, 3, 60)).toEqual({ allowed: true, limit: 3, remaining: 1, resetSeconds: 30 });
    clock.now = T0 + 58_200;
    expect(await hit(deps, bucket, 3, 60)).toEqual({ allowed: true, limit: 3, remaining: 0, resetSeconds: 2 });
    clock.now = T0 + 59_999;
    expect(await hit(deps, bucket, 3, 60)).toEqual({ allowed: false, limit: 3, remaining: 0, resetSeconds: 1 });
    await settle();
  });

  it('uses the window length of the rate (per second, per hour)', async () => {
    const { deps, clock, settle } = counterDeps();
    const bucket = unique('second');
    clock.now = T0 + 400;
    expect(await hit(deps, bucket, 1, 1)).toMatchObject({ allowed: true, resetSeconds: 1 });
    expect((await hit(deps, bucket, 1, 1)).allowed).toBe(false);
    clock.now = T0 + 1000;
    expect((await hit(deps, bucket, 1, 1)).allowed).toBe(true);
    const hourly = unique('hour');
    clock.now = T0 + 1000;
    expect((await hit(deps, hourly, 2, 3600)).resetSeconds).toBe(3600 - (T0 % 3_600_000) / 1000 - 1);
    await settle();
  });

  it('writes the count to KV in the background, then folds later requests in at most once a second', async () => {
    const { deps, clock, settle } = counterDeps();
    const bucket = unique('sync');
    await hit(deps, bucket, 10, 60);
    expect(await env.CACHE.get(kvKey(bucket))).toBeNull(); // nothing written on the request path
    await settle();
    expect(await env.CACHE.get(kvKey(bucket))).toBe('1');

    clock.now = T0 + 200;
    const started = Date.now();
    await hit(deps, bucket, 10, 60);
    await hit(deps, bucket, 10, 60);
    expect(await env.CACHE.get(kvKey(bucket))).toBe('1'); // within a second of the last write
    // The two are folded in by ONE deferred write once the second has passed, even though no
    // further request arrives (so other isolates see a burst a second later).
    await settle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(await env.CACHE.get(kvKey(bucket))).toBe('3');

    clock.now = T0 + 2400;
    await hit(deps, bucket, 10, 60);
    await settle();
    expect(await env.CACHE.get(kvKey(bucket))).toBe('4');
  });

  it('honours a count another isolate already wrote to KV', async () => {
    const { deps, settle } = counterDeps();
    const bucket = unique('remote');
    await env.CACHE.put(kvKey(bucket), '4');
    expect(await hit(deps, bucket, 5, 60)).toMatchObject({ allowed: true, remaining: 0 });
    expect((await hit(deps, bucket, 5, 60)).allowed).toBe(false);
    await settle();
  });

  it("folds another isolate's later writes in at the next sync", async () => {
    const { deps, clock, settle } = counterDeps();
    const bucket = unique('merge');
    expect((await hit(deps, bucket, 5, 60)).allowed).toBe(true);
    await settle(); // KV: 1
    await env.CACHE.put(kvKey(bucket), '4'); // another isolate counted 3 more
    clock.now = T0 + 1500;
    expect(await hit(deps, bucket, 5, 60)).toMatchObject({ allowed: true });
    await settle();
    expect(await env.CACHE.get(kvKey(bucket))).toBe('5');
    expect((await hit(deps, bucket, 5, 60)).allowed).toBe(false);
  });

  it('a fresh isolate picks the window up from KV', async () => {
    const { deps, clock, settle } = counterDeps();
    const bucket = unique('isolate');
    await hit(deps, bucket, 3, 60);
    await hit(deps, bucket, 3, 60);
    await settle();
    expect(await env.CACHE.get(kvKey(bucket))).toBe('1'); // the second request is not synced yet
    clock.now = T0 + 1000;
    await hit(deps, bucket, 3, 60);
    await settle();
    expect(await env.CACHE.get(kvKey(bucket))).toBe('3');
    resetLocalCounters(); // what a new isolate starts with
    expect((await hit(deps, bucket, 3, 60)).allowed).toBe(false);
  });

  it('keeps answering from the local count when KV fails', async () => {
    const broken = {
      get: () => Promise.reject(new Error('KV unavailable')),
      put: () => Promise.reject(new Error('KV unavailable')),
    } as unknown as KVNamespace;
    const { deps, clock, settle } = counterDeps(broken);
    const bucket = unique('kv-down');
    expect(await hit(deps, bucket, 2, 60)).toMatchObject({ allowed: true, remaining: 1 });
    await settle(); // the failed write is the background's problem, not the request's
    clock.now = T0 + 2000;
    expect(await hit(deps, bucket, 2, 60)).toMatchObject({ allowed: true, remaining: 0 });
    await settle();
    expect((await hit(deps, bucket, 2, 60)).allowed).toBe(false);
    await settle(); // the deferred fold of that refusal fails too, inside this test
  });

  it('ignores a KV value that is not a number', async () => {
    const { deps, settle } = counterDeps();
    const bucket = unique('garbage');
    await env.CACHE.put(kvKey(bucket), 'not-a-number');
    expect(await hit(deps, bucket, 2, 60)).toMatchObject({ allowed: true, remaining: 1 });
    await settle();
  });
});
