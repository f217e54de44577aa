// What the two Chromium scripts (docs.browser.mjs, browser-clients.browser.mjs) share.
import { createServer } from 'node:net';

/** wrangler without metrics and without the `request.cf` fetch: the tests run offline. */
export const OFFLINE_ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };

/** A list of named results and the function that records (and prints) one. */
export function createChecks() {
  const checks = [];
  const check = (name, ok, detail = '') => {
    checks.push({ name, ok: Boolean(ok), detail });
    console.log(`${ok ? '✓' : '✗'} ${name}${detail ? ` (${detail})` : ''}`);
  };
  return { checks, check };
}

/** A port on 127.0.0.1 nothing listens on (found by listening, then closing). */
export const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Resolves once `base`/health answers 200; throws when `child` (wrangler dev) exits or time runs out. */
export async function waitForServer(base, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev not ready after ${timeoutMs / 1000} s`);
}
