import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import worker from '../../src/index';
import { resetIsolateState } from '../../src/lib/isolate-state';
import { BASE, unique } from '../helpers/request';

// The isolate's first request log line is written once its response has gone out, so that request
// does not wait for the runtime to initialise its log formatter; every later line is written at once.
// Either way each request gets exactly one line (src/middleware/log-line.ts).

afterEach(() => vi.restoreAllMocks());

const linesOf = (log: MockInstance<typeof console.log>, requestId: string) =>
  log.mock.calls.filter(([line]) => typeof line === 'string' && line.includes(`"requestId":"${requestId}"`));

async function healthRequest() {
  const requestId = unique('first-line-');
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}/health`, { headers: { 'X-Request-Id': requestId } }), env, ctx);
  return { res, ctx, requestId };
}

describe('the request log line of a new isolate', () => {
  it("the first request's line comes after its response; the next one's before", async () => {
    resetIsolateState(); // what a new isolate starts with
    const log = vi.spyOn(console, 'log');

    const first = await healthRequest();
    expect(first.res.status).toBe(200);
    expect(linesOf(log, first.requestId)).toHaveLength(0);
    await waitOnExecutionContext(first.ctx);
    expect(linesOf(log, first.requestId)).toHaveLength(1);

    const second = await healthRequest();
    expect(linesOf(log, second.requestId)).toHaveLength(1);
    await waitOnExecutionContext(second.ctx);
    expect(linesOf(log, second.requestId)).toHaveLength(1);
    expect(JSON.parse(String(linesOf(log, first.requestId)[0]?.[0]))).toMatchObject({
      route: '/health',
      status: 200,
    });
  });
});
