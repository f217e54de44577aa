import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app';
import worker from '../../src/index';
import { resetIsolateState } from '../../src/lib/isolate-state';
import { rehearseRequest, START_UP_ENV, START_UP_REQUEST_ID } from '../../src/middleware/start-up';
import { BASE, unique } from '../helpers/request';

// The Worker's top level sends one preflight through the app so that V8 runs the request path once
// before the first request (src/middleware/start-up.ts). It must be a real pass through the chain,
// leave no trace a request would see, and cost the first request nothing it relies on.

afterEach(() => vi.restoreAllMocks());

const loggedIds = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls.map(([line]) => (typeof line === 'string' ? JSON.parse(line).requestId : undefined));

describe('the start-up rehearsal', () => {
  it('goes through the whole chain as a preflight and writes no log line', async () => {
    resetIsolateState();
    const log = vi.spyOn(console, 'log');
    const error = vi.spyOn(console, 'error');
    const fetch = vi.fn(createApp().fetch);

    expect(await rehearseRequest(fetch)).toBe(true);
    const [request, passedEnv] = fetch.mock.calls[0] ?? [];
    expect(request?.method).toBe('OPTIONS');
    expect(passedEnv).toBe(START_UP_ENV);
    const answer = await fetch.mock.results[0]?.value;
    expect(answer.headers.get('X-Request-Id')).toBe(START_UP_REQUEST_ID);
    expect(answer.headers.get('Server-Timing')).toContain('db;desc="0 queries"');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(loggedIds(log)).not.toContain(START_UP_REQUEST_ID);
    expect(error).not.toHaveBeenCalled();
  });

  it("leaves the isolate's first log line to the first request (written after its response)", async () => {
    resetIsolateState(); // what a new isolate starts with
    await rehearseRequest(createApp().fetch);
    const log = vi.spyOn(console, 'log');
    const requestId = unique('after-rehearsal-');
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`${BASE}/health`, { headers: { 'X-Request-Id': requestId } }), env, ctx);

    expect(res.status).toBe(200);
    expect(loggedIds(log)).not.toContain(requestId);
    await waitOnExecutionContext(ctx);
    expect(loggedIds(log)).toContain(requestId);
  });

  it("does not whitelist its origin for requests: the deployment's CORS configuration answers them", async () => {
    const res = await worker.fetch(
      new Request(`${BASE}/health`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://start-up.invalid', 'Access-Control-Request-Method': 'GET' },
      }),
      env,
      createExecutionContext(),
    );
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('reports a failure instead of throwing', async () => {
    expect(await rehearseRequest(() => Promise.reject(new Error('refused at start-up')))).toBe(false);
    expect(await rehearseRequest(() => new Response(null, { status: 500 }))).toBe(false);
  });
});
