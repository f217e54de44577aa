import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// workerd reports the pool closing its socket to a runtime, once per runtime when the run ends, as
// this one line on stdout. The pool already drops the same report's other wordings ("disconnected:
// WebSocket was aborted", "operation canceled"); only this exact line is dropped here, so anything
// else workerd says, including other WebSocket errors, still shows.
const POOL_SOCKET_CLOSED =
  /^exception = workerd\/api\/web-socket\.c\+\+:\d+: disconnected: WebSocket peer disconnected\n$/;
// This file is type-checked with the Workers types only, hence the narrow view of Node's stdout.
const { stdout } = (globalThis as unknown as { process: { stdout: { write: (...args: unknown[]) => boolean } } })
  .process;
const writeStdout = stdout.write.bind(stdout);
stdout.write = (chunk: unknown, ...rest: unknown[]) =>
  typeof chunk === 'string' && POOL_SOCKET_CLOSED.test(chunk) ? true : writeStdout(chunk, ...rest);

export default defineConfig({
  plugins: [
    cloudflareTest(async () => {
      const migrations = await readD1Migrations('migrations'); // relative to the project root (cwd)
      return {
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            JWT_SECRET_KEY: 'test-jwt-secret',
            EDX_API_KEY: 'test-api-key',
            // Throttling is exercised by test/throttle with its own env; elsewhere it would only
            // make suites order-dependent.
            RATE_LIMIT_ENABLED: 'false',
            TRUST_COUNTRY_HEADER: 'true',
            // A developer's .dev.vars allows http:// receivers; the tests check the production default.
            WEBHOOK_ALLOW_HTTP: 'false',
          },
        },
      };
    }),
  ],
  test: {
    // Each file starts as in a runtime of its own: fresh storage and isolate state, see
    // test/apply-migrations.ts and docs/testing.md#isolation.
    setupFiles: ['./test/apply-migrations.ts'],
    // One runtime per worker (~5 s saved per file). Each file still starts as in a runtime of its own
    // and ends with none of its work running, queue deliveries included (docs/testing.md#isolation).
    isolate: false,
    // Two runtimes side by side on the 2-core machines (vitest's default is cores − 1 = 1).
    maxWorkers: 2,
    include: ['test/**/*.test.ts'],
    // The suite runs on shared 2-core machines where a 4 s test can take 6: a hang still fails, at 20 s.
    testTimeout: 20_000,
    silent: 'passed-only',
  },
});
