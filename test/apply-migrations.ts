import { applyD1Migrations, env, reset } from 'cloudflare:test';
import { beforeEach } from 'vitest';
import { boundSelfProxyChain, freshStart, settleBackgroundWork } from './helpers/file-isolation';

// Runs before every test file (vitest.config.ts `setupFiles`). One runtime serves many files
// (`isolate: false`), so each file first gets what a runtime of its own used to give it
// (docs/testing.md#isolation): the previous file's background work finished, no cache or counter
// carried over, and empty storage (D1 and KV wiped by `reset()`) migrated like a fresh deployment.
await settleBackgroundWork();
const shortenSelfProxyChain = await boundSelfProxyChain();
freshStart();
await reset();
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
beforeEach(shortenSelfProxyChain);
