import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { BASE, call, unique } from '../helpers/request';
import { apiKeyHeader, tokenFor } from '../helpers/tokens';

// The throttle end to end (docs/api/enrollments.md#throttling). The test worker runs with RATE_LIMIT_ENABLED=false,
// so these requests go to the Worker's app directly with an env that turns it on. loadConfig caches
// per env object: one object per scenario.
const USER_LIMIT = 3;
const STAFF_LIMIT = 5;
const throttledEnv = (overrides: Record<string, string> = {}): Env => ({
  ...env,
  RATE_LIMIT_ENABLED: 'true',
  THROTTLE_USER_RATE: `${USER_LIMIT}/minute`,
  THROTTLE_STAFF_RATE: `${STAFF_LIMIT}/minute`,
  ...overrides,
});

const ROLES = '/api/enrollment/v1/roles/';
const ENROLLMENTS = '/api/enrollment/v1/enrollment';
const ADMIN_ENROLLMENTS = '/api/enrollment/v1/enrollments?page_size=1';
const BULK = '/api/bulk_enroll/v1/bulk_enroll/';
// A valid key of a course that does not exist: E1 answers 400 after the throttle, which still counts.
const COURSE = '/api/enrollment/v1/course/course-v1:ThrottleX+T1+2030';
const THROTTLED = /^Request was throttled\. Expected available in (\d+) seconds?\.$/;

/**
 * The app with a clock these tests drive (`Deps.now`; production's is `Date.now`). Windows are
 * aligned to the minute: each scenario starts its clock 1 s into one (`startWindow`), and every
 * request moves it on by the counter's 1 s sync interval, so each count is folded into KV at once
 * instead of after a real one-second wait, and no scenario runs into the next window (the longest
 * sends 20 requests). Real waits for a window edge made this file take ~30 s.
 */
const clock = { now: 0 };
const app = createApp({ now: () => clock.now });
const MINUTE = 60_000;
const SYNC_INTERVAL_MS = 1000;
function startWindow() {
  clock.now = Math.floor(Date.now() / MINUTE) * MINUTE + 1000;
}

async function send(scenario: Env, path: string, headers: Record<string, string> = {}, body?: string) {
  clock.now += SYNC_INTERVAL_MS;
  const ctx = createExecutionContext();
  const init = body === undefined ? { headers } : { method: 'POST', headers, body };
  const res = await app.fetch(new Request(`${BASE}${path}`, init), scenario, ctx);
  await waitOnExecutionContext(ctx); // background KV sync of the counters
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

let ipCounter = Math.floor(Math.random() * 1000);
/** A client address no other request of this run uses (the throttle treats it as an opaque key). */
const uniqueIp = () => {
  ipCounter += 1;
  return `10.${Math.floor(ipCounter / 65536) % 256}.${Math.floor(ipCounter / 256) % 256}.${ipCounter % 256}`;
};

const jwt = async (username: string, options: Parameters<typeof tokenFor>[1] = {}) => ({
  Authorization: `JWT ${await tokenFor(username, options)}`,
});

function expectThrottled(res: Awaited<ReturnType<typeof send>>, limit: number) {
  expect(res.status).toBe(429);
  expect(res.headers.get('Content-Type')).toBe('application/json');
  const retryAfter = Number(res.headers.get('Retry-After'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  const match = THROTTLED.exec(res.body?.detail ?? '');
  expect(match, JSON.stringify(res.body)).not.toBeNull();
  expect(Number(match?.[1])).toBe(retryAfter);
  expect(res.body).toEqual({
    detail: `Request was throttled. Expected available in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`,
  });
  expect(res.headers.get('RateLimit-Limit')).toBe(String(limit));
  expect(res.headers.get('RateLimit-Remaining')).toBe('0');
  expect(res.headers.get('RateLimit-Reset')).toBe(String(retryAfter));
}

describe('throttle over HTTP', () => {
  it(`E6 roles: a user gets ${USER_LIMIT} requests a minute, then 429 with Retry-After and RateLimit-*`, async () => {
    const scenario = throttledEnv();
    startWindow();
    const headers = await jwt(unique('thr'));
    for (let i = 1; i <= USER_LIMIT; i++) {
      const res = await send(scenario, ROLES, headers);
      expect(res.status).toBe(200);
      expect(res.headers.get('RateLimit-Limit')).toBe(String(USER_LIMIT));
      expect(res.headers.get('RateLimit-Remaining')).toBe(String(USER_LIMIT - i));
      expect(Number(res.headers.get('RateLimit-Reset'))).toBeGreaterThanOrEqual(1);
      expect(res.headers.get('Retry-After')).toBeNull();
    }
    expectThrottled(await send(scenario, ROLES, headers), USER_LIMIT);
    expectThrottled(await send(scenario, ROLES, headers), USER_LIMIT);
  });

  it('users are counted separately', async () => {
    const scenario = throttledEnv();
    startWindow();
    const first = await jwt(unique('thr'));
    for (let i = 0; i < USER_LIMIT; i++) await send(scenario, ROLES, first);
    expect((await send(scenario, ROLES, first)).status).toBe(429);
    expect((await send(scenario, ROLES, await jwt(unique('thr')))).status).toBe(200);
  });

  it('one bucket per user across the enrollment endpoints (E4 and E6)', async () => {
    const scenario = throttledEnv();
    startWindow();
    const headers = await jwt(unique('thr'));
    expect((await send(scenario, ROLES, headers)).status).toBe(200);
    expect((await send(scenario, ENROLLMENTS, headers)).status).toBe(200);
    expect((await send(scenario, ROLES, headers)).status).toBe(200);
    expectThrottled(await send(scenario, ENROLLMENTS, headers), USER_LIMIT);
  });

  it(`global staff get THROTTLE_STAFF_RATE (${STAFF_LIMIT})`, async () => {
    const scenario = throttledEnv();
    startWindow();
    const headers = await jwt(unique('thrstaff'), { administrator: true });
    for (let i = 1; i <= STAFF_LIMIT; i++) {
      const res = await send(scenario, ROLES, headers);
      expect(res.status).toBe(200);
      expect(res.headers.get('RateLimit-Limit')).toBe(String(STAFF_LIMIT));
    }
    expectThrottled(await send(scenario, ROLES, headers), STAFF_LIMIT);
  });

  it('superusers get THROTTLE_STAFF_RATE too', async () => {
    const scenario = throttledEnv();
    startWindow();
    const username = unique('thrsuper');
    const headers = await jwt(username);
    expect((await send(scenario, ROLES, headers)).status).toBe(200); // creates the user
    // Promoted through the provisioning API (the supported path: it also refreshes this isolate's
    // cached account; a direct database write would show only after the account cache TTL).
    const promote = await call(`/api/admin/v1/users/${username}`, {
      method: 'PUT',
      headers: apiKeyHeader,
      json: { email: `${username}@example.com`, is_superuser: true },
    });
    expect(promote.status).toBe(200);
    for (let i = 1; i <= STAFF_LIMIT; i++) {
      const res = await send(scenario, ROLES, headers);
      expect(res.status).toBe(200);
      expect(res.headers.get('RateLimit-Limit')).toBe(String(STAFF_LIMIT));
    }
    expectThrottled(await send(scenario, ROLES, headers), STAFF_LIMIT);
  });

  it('a valid API key bypasses the throttle: never refused, never counted', async () => {
    const scenario = throttledEnv();
    startWindow();
    const username = unique('thrkey');
    const withKey = { ...(await jwt(username)), ...apiKeyHeader };
    for (let i = 0; i < USER_LIMIT * 3; i++) {
      const res = await send(scenario, ROLES, withKey);
      expect(res.status).toBe(200);
      expect(res.headers.get('RateLimit-Limit')).toBeNull();
    }
    // None of those counted against the user's own bucket.
    for (let i = 0; i < USER_LIMIT; i++) expect((await send(scenario, ROLES, await jwt(username))).status).toBe(200);
    expect((await send(scenario, ROLES, await jwt(username))).status).toBe(429);
  });

  it('a valid API key exempts global staff on JWT-only endpoints too: bulk enroll and E8', async () => {
    const scenario = throttledEnv();
    startWindow();
    const withKey = { ...(await jwt(unique('thrbulk'), { administrator: true })), ...apiKeyHeader };
    for (let i = 0; i < STAFF_LIMIT * 2; i++) {
      // An empty body is refused (400) after the throttle, so each request would count.
      const bulk = await send(scenario, BULK, { ...withKey, 'Content-Type': 'application/json' }, '{}');
      expect(bulk.status, JSON.stringify(bulk.body)).toBe(400);
      expect(bulk.headers.get('RateLimit-Limit')).toBeNull();
      expect((await send(scenario, ADMIN_ENROLLMENTS, withKey)).status).toBe(200);
    }
  });

  it('RATE_LIMIT_ENABLED=false turns the throttle off', async () => {
    const scenario = throttledEnv({ RATE_LIMIT_ENABLED: 'false' });
    startWindow();
    const headers = await jwt(unique('throff'));
    for (let i = 0; i < USER_LIMIT * 3; i++) {
      const res = await send(scenario, ROLES, headers);
      expect(res.status).toBe(200);
      expect(res.headers.get('RateLimit-Limit')).toBeNull();
    }
    const ip = { 'CF-Connecting-IP': uniqueIp() };
    for (let i = 0; i < USER_LIMIT * 2; i++) expect((await send(scenario, COURSE, ip)).status).not.toBe(429);
  });

  it('requests refused by authentication or permission do not count', async () => {
    const scenario = throttledEnv();
    startWindow();
    const username = unique('thrref');
    // A restricted application acting for the user: 403 on E6 (permission), before the throttle.
    const restricted = await jwt(username, { isRestricted: true });
    for (let i = 0; i < USER_LIMIT * 2; i++) expect((await send(scenario, ROLES, restricted)).status).toBe(403);
    // Bad tokens: 401.
    for (let i = 0; i < USER_LIMIT * 2; i++) {
      expect((await send(scenario, ROLES, await jwt(username, { audience: 'wrong' }))).status).toBe(401);
    }
    const headers = await jwt(username);
    for (let i = 0; i < USER_LIMIT; i++) expect((await send(scenario, ROLES, headers)).status).toBe(200);
    expect((await send(scenario, ROLES, headers)).status).toBe(429);
  });

  it('E1 course details: counted per client IP at the user rate, even for staff', async () => {
    const scenario = throttledEnv();
    startWindow();
    const ip = uniqueIp();
    const staff = await jwt(unique('thre1'), { administrator: true });
    for (let i = 1; i <= USER_LIMIT; i++) {
      const res = await send(scenario, COURSE, { 'CF-Connecting-IP': ip, ...staff });
      expect(res.status).toBe(400); // unknown course: answered after the throttle
      expect(res.headers.get('RateLimit-Remaining')).toBe(String(USER_LIMIT - i));
    }
    expectThrottled(await send(scenario, COURSE, { 'CF-Connecting-IP': ip }), USER_LIMIT);
    // Another client IP has its own bucket; the API key is exempt.
    expect((await send(scenario, COURSE, { 'CF-Connecting-IP': uniqueIp() })).status).toBe(400);
    expect((await send(scenario, COURSE, { 'CF-Connecting-IP': ip, ...apiKeyHeader })).status).toBe(400);
  });
});
