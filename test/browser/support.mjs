// What the two Chromium scripts (docs.browser.mjs, browser-clients.browser.mjs) share.
import { writeFileSync } from 'node:fs';
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

/**
 * Runs the script's checks, stops what it started whatever happens, writes `<out>/<name>.json` and
 * the summary line, and exits 0 only when every check passed.
 */
export async function runAndReport({ name, run, stop, watchdog, checks, check, out, wranglerLog }) {
  let crashed;
  try {
    await run();
  } catch (error) {
    crashed = error;
    check(`${name} test ran to the end`, false, String(error?.message ?? error));
  } finally {
    await stop();
    clearTimeout(watchdog);
  }
  const passed = checks.filter((c) => c.ok).length;
  const failedCount = checks.length - passed;
  writeFileSync(`${out}/${name}.json`, `${JSON.stringify({ passed, failed: failedCount, checks }, null, 2)}\n`);
  console.log(`${name}: ${passed} passed, ${failedCount} failed${crashed ? ` (see ${wranglerLog})` : ''}`);
  process.exit(failedCount === 0 ? 0 : 1);
}
