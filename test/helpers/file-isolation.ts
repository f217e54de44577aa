import { waitForGlobalWaitUntil } from 'cloudflare:test-internal';
import { vi } from 'vitest';
import { resetIsolateState } from '../../src/lib/isolate-state';

/**
 * What test/apply-migrations.ts needs to give each test file a clean start inside a runtime that
 * earlier files already used (vitest's `isolate: false`, docs/testing.md#isolation). It reaches
 * into vitest's worker state and the pool's module runner, both internal: the pool's version is
 * pinned (package.json) and a mismatch fails loudly here rather than leaking state quietly.
 */
interface ModuleNode {
  file?: string;
  evaluated: boolean;
}
interface WorkerState {
  config: { root: string };
  evaluatedModules: {
    idToModuleMap: Map<string, ModuleNode>;
    invalidateModule(node: ModuleNode): void;
  };
}
interface Transport {
  invoke: (...args: unknown[]) => Promise<unknown>;
}
interface ModuleRunner {
  transport: Transport;
  evaluator: { runExternalModule(id: string): Promise<Record<string, unknown>> };
}
type Globals = typeof globalThis & {
  __vitest_worker__: WorkerState;
  __vitest_mocker__: { moduleRunner: ModuleRunner };
  /** The module runner's transport as the pool wrapped it for the first file. */
  __edgeInvokeOnce?: Transport['invoke'];
  /** The SELF entrypoint's prototype before any request wrapped it. */
  __edgePlainPrototype?: object;
};
const globals = globalThis as Globals;

/**
 * The pool (@cloudflare/vitest-pool-workers 0.15) wraps the module runner's `invoke` in one more
 * hop through its runner object for every file a runtime runs, so each module fetch of the n-th
 * file made n hops and imports slowed file after file. Keep the single wrapping of the first file.
 */
function unwrapModuleFetches() {
  const transport = globals.__vitest_mocker__?.moduleRunner?.transport;
  if (typeof transport?.invoke !== 'function') throw new Error('file-isolation: no module runner transport');
  globals.__edgeInvokeOnce ??= transport.invoke;
  transport.invoke = globals.__edgeInvokeOnce;
}

/**
 * The prototype of the pool's entrypoint class (the Worker's default export as the runtime sees
 * it: `SELF`, queue deliveries), as it was before any event wrapped it (see below).
 */
export async function poolEntrypoint() {
  const runner = await globals.__vitest_mocker__.moduleRunner.evaluator.runExternalModule('/index.mjs');
  if (typeof runner.default !== 'function') throw new Error('file-isolation: no SELF entrypoint class in /index.mjs');
  const entrypoint = runner.default as { prototype: object };
  globals.__edgePlainPrototype ??= entrypoint.prototype;
  return { entrypoint, plain: globals.__edgePlainPrototype as Record<string, unknown> };
}

/**
 * The pool's entrypoint behind `SELF` wraps its class's prototype in one more Proxy every time it
 * is constructed, i.e. for every request: the n-th request of a runtime looks its handler up
 * through n proxies, so requests got slower the more a runtime had served (a 100-request test:
 * 7 ms per request at first, 70 ms after 500). Putting the unwrapped prototype back before each
 * test keeps the chain as short as the test's own requests. Returns the reset, for a `beforeEach`.
 */
export function boundSelfProxyChain({ entrypoint, plain }: Awaited<ReturnType<typeof poolEntrypoint>>) {
  return () => {
    entrypoint.prototype = plain;
  };
}

/**
 * What a new isolate would start with, for the file about to run. The app's modules stay
 * evaluated — re-evaluating src/ cost ~0.4 s of CPU per file — and their isolate-level state
 * (caches, throttle counters: every module-level Map of src/, `isolateState`) is emptied; the
 * test modules (test/: helpers, fixtures, support files) are evaluated afresh. Mocks, fake timers
 * and stubs a file left behind are undone.
 */
export function freshStart() {
  unwrapModuleFetches();
  const { config, evaluatedModules } = globals.__vitest_worker__;
  const tests = `${config.root}/test/`;
  for (const node of evaluatedModules.idToModuleMap.values()) {
    // Not the setup file being evaluated right now (vitest re-runs it for every file anyway).
    if (node.evaluated && node.file?.startsWith(tests)) evaluatedModules.invalidateModule(node);
  }
  resetIsolateState();
  vi.restoreAllMocks();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
}

/**
 * Let the previous file's `waitUntil` work (KV writes, event dispatch, deliveries) finish before
 * storage is wiped, so none of it lands in the next file's storage. A runtime of its own used to
 * drop such work unfinished, so its failures are not this file's: they are not rethrown.
 */
export async function settleBackgroundWork() {
  await waitForGlobalWaitUntil().catch(() => undefined);
}
