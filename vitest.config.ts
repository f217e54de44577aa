import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

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
    setupFiles: ['./test/apply-migrations.ts'],
    include: ['test/**/*.test.ts'],
    // The suite runs on shared 2-core machines where a 4 s test can take 6: a hang still fails, at 20 s.
    testTimeout: 20_000,
    silent: 'passed-only',
  },
});
