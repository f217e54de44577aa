import { applyD1Migrations, env, reset } from 'cloudflare:test';
import { afterAll, beforeEach } from 'vitest';
import { boundSelfProxyChain, freshStart, poolEntrypoint, settleBackgroundWork } from './helpers/file-isolation';
import { closeFile, installQueueFence, openFile } from './helpers/queue-fence';

// Runs before every test file (vitest.config.ts `setupFiles`). One runtime serves many files
// (`isolate: false`), so each file first gets what a runtime of its own used to give it
// (docs/testing.md#isolation): the previous file's background work finished, no cache or counter
// carried over, empty storage (D1 and KV wiped by `reset()`) migrated like a fresh deployment, and
// no queue message of an earlier file delivered to it. When it ends, nothing it started still runs.
await settleBackgroundWork();
const entrypoint = await poolEntrypoint();
installQueueFence(entrypoint.plain);
freshStart();
await reset();
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
openFile();
beforeEach(boundSelfProxyChain(entrypoint));
// Registered first, so it runs after the file's own `afterAll` hooks.
afterAll(closeFile, 30_000);
