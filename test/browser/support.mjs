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
