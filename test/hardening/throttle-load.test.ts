import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { resetLocalCounters } from '../../src/throttle/window-counter';
import { createUser } from '../helpers/fixtures';
import { BASE } from '../helpers/request';
import { apiKeyHeader, jwtHeader } from '../helpers/tokens';

/**
 * The throttle under load (issue 6, scope 5), with the contract's default rates (40/minute for
 * users, 120/minute for staff) switched on. src/throttle/window-counter.ts counts per isolate and
 * folds counts into KV after the response, so:
 * - within one isolate the limit is exact: the count is checked and incremented synchronously, with
 *   no await in between, so parallel requests cannot both take the last slot;
 * - across isolates each one admits up to `limit` before it sees the others' counts in KV: the bound
 *   is isolates × limit. A second isolate is simulated by dropping this isolate's local counters
 *   (`resetLocalCounters`): it starts from what KV holds, as a new isolate would.
 */
const USER_LIMIT = 40;
const STAFF_LIMIT = 120;
const throttled: Env = {
  ...env,
  RATE_LIMIT_ENABLED: 'true',
  THROTTLE_USER_RATE: `${USER_LIMIT}/minute`,
  THROTTLE_STAFF_RATE: `${STAFF_LIMIT}/minute`,
};

/**
 * The app with a clock the tests drive (`Deps.now`; production's is `Date.now`): each scenario
 * starts it 1 s into a minute window (`startWindow`), so no burst straddles a window edge, and
 * "a second later" moves it on instead of sleeping.
 */
const clock = { now: 0 };
const app = createApp({ now: () => clock.now });
const MINUTE = 60_000;
function startWindow() {
  clock.now = Math.floor(Date.now() / MINUTE) * MINUTE + 1000;
}

async function send(path: string, headers: Record<string, string>) {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`${BASE}${path}`, { headers }), throttled, ctx);
  await waitOnExecutionContext(ctx); // the counters' KV sync runs after the response
  await res.text();
  return res.status;
}

/** N parallel requests; how many got through and how many were throttled. */
async function burst(n: number, paths: string[], headers: Record<string, string>) {
  const statuses = await Promise.all(
    Array.from({ length: n }, (_, i) => send(paths[i % paths.length] as string, headers)),
  );
  return {
    passed: statuses.filter((s) => s === 200).length,
    throttled: statuses.filter((s) => s === 429).length,
    other: statuses.filter((s) => s !== 200 && s !== 429),
  };
}

async function userHeaders(isStaff = false) {
  const user = await createUser({ isStaff });
  const headers = await jwtHeader(user.username, { administrator: isStaff });
  return headers;
}

const ROLES = '/api/enrollment/v1/roles/';
const ENROLLMENTS = '/api/enrollment/v1/enrollment';

describe('throttle under load: one isolate', { timeout: 60_000 }, () => {
  it.each([50, 200, 500])(
    `%i parallel requests by one user against ${USER_LIMIT}/minute → exactly ${USER_LIMIT} pass`,
    async (n) => {
      const headers = await userHeaders();
      startWindow();
      const result = await burst(n, [ROLES, ENROLLMENTS], headers);
      console.warn(`throttle: ${n} parallel, limit ${USER_LIMIT}: ${result.passed} passed, ${result.throttled} × 429`);
      expect(result.other).toEqual([]);
      expect(result.passed).toBe(USER_LIMIT);
      expect(result.throttled).toBe(n - USER_LIMIT);
    },
  );

  it(`global staff: 300 parallel against ${STAFF_LIMIT}/minute → exactly ${STAFF_LIMIT} pass`, {
    timeout: 60_000,
  }, async () => {
    const headers = await userHeaders(true);
    startWindow();
    const result = await burst(300, [ROLES, ENROLLMENTS], headers);
    expect(result.other).toEqual([]);
    expect(result.passed).toBe(STAFF_LIMIT);
  });

  it('the API key in the same burst is never counted nor refused', async () => {
    const headers = await userHeaders();
    startWindow();
    const [withKey, alone] = await Promise.all([
      burst(100, [ROLES], { ...headers, ...apiKeyHeader }),
      burst(100, [ROLES], headers),
    ]);
    expect(withKey.passed).toBe(100);
    expect(alone.passed).toBe(USER_LIMIT);
  });
});

describe('throttle under load: two isolates (simulated)', { timeout: 60_000 }, () => {
  /** A burst in this isolate, a pause past the 1 s sync interval, then a burst in a "new" isolate. */
  async function twoIsolates() {
    const headers = await userHeaders();
    startWindow();
    const first = await burst(100, [ROLES], headers);
    // Past the 1 s sync interval: whatever this isolate folds into KV has been folded.
    clock.now += 1100;
    const stillRefused = (await burst(5, [ROLES], headers)).passed === 0;
    resetLocalCounters(); // a fresh isolate: it knows only what KV holds
    const second = await burst(100, [ROLES], headers);
    console.warn(
      `throttle: two isolates, limit ${USER_LIMIT}: ${first.passed} + ${second.passed} = ` +
        `${first.passed + second.passed} passed (overshoot ${first.passed + second.passed - USER_LIMIT})`,
    );
    return { first, second, stillRefused };
  }

  it(`a burst split over two isolates admits at most 2 × ${USER_LIMIT} (the isolates × limit bound)`, async () => {
    const { first, second, stillRefused } = await twoIsolates();
    expect(first.passed).toBe(USER_LIMIT);
    expect(stillRefused).toBe(true);
    expect(second.other).toEqual([]);
    expect(first.passed + second.passed).toBeLessThanOrEqual(2 * USER_LIMIT);
  });

  // DEFECT (reported, fixed): docs/api/enrollments.md#throttling promises counts are folded into KV
  // "at most once a second per key", so an isolate's burst should be visible to others a second later.
  // But the sync was only scheduled by an ALLOWED request: an isolate that used up its limit within its
  // first second never folded the rest (refused requests skipped the sync), KV kept the first
  // request's 1, and every other isolate admitted limit − 1 more for the whole window.
  it("a second later, a new isolate sees the first isolate's whole count (nothing more passes)", async () => {
    const { first, second } = await twoIsolates();
    expect(first.passed).toBe(USER_LIMIT);
    expect(second.passed).toBe(0);
  });
});
