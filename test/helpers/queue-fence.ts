import { env } from 'cloudflare:test';
import { vi } from 'vitest';
import { settleBackgroundWork } from './file-isolation';

/**
 * A fence between test files around the runtime's queues (docs/testing.md#isolation). The local
 * queues outlive a file: `reset()` wipes D1 and KV but not the queue broker, which keeps every
 * message not yet delivered (a dispatch waiting for its batch, a job's next chunk, a retry due in
 * 30 s) and delivers it whenever it is due, into whichever file runs then — or, after a runtime's
 * last file, into a runtime whose connection to vitest is closing: the pool's entrypoint asks vitest
 * to resolve the Worker's module for each delivery, the consumer logs, and vitest fails the run with
 * `EnvironmentTeardownError: Closing rpc while "resolve" (or "onUserConsoleLog") was pending`.
 *
 * So each message is stamped, when sent, with the file that sent it, and a delivery runs the
 * Worker's consumer only if it comes from the running file; any other is acknowledged unprocessed,
 * before the pool touches vitest, as a runtime of its own used to drop it with the file. And a file
 * ends only once no delivery or request is still inside the Worker (`closeFile`).
 */
const STAMP = '__testFile';

interface Fence {
  /** The running file's number (one more per file the runtime has started). */
  file: number;
  /** From a file's start to its end: deliveries are processed. */
  open: boolean;
  /** Queue deliveries and `SELF` requests the Worker is processing now. */
  inFlight: number;
  /** The bodies of the last deliveries acknowledged unprocessed (test/platform/queue-fence.test.ts). */
  dropped: unknown[];
}
/** What the runtime keeps from file to file (this module is evaluated again for each). */
type Globals = typeof globalThis & { __edgeQueueFence?: Fence; __edgeFenced?: WeakSet<object> };
const globals = globalThis as Globals;
globals.__edgeQueueFence ??= { file: 0, open: false, inFlight: 0, dropped: [] };
globals.__edgeFenced ??= new WeakSet<object>();
export const fence: Fence = globals.__edgeQueueFence;
const fenced = globals.__edgeFenced;

type Body = Record<string, unknown>;
const isRecord = (body: unknown): body is Body => typeof body === 'object' && body !== null && !Array.isArray(body);
const stamped = (body: unknown) => (isRecord(body) ? { ...body, [STAMP]: fence.file } : body);
const unstamped = (body: unknown) => {
  if (!isRecord(body) || !(STAMP in body)) return body;
  const { [STAMP]: _, ...rest } = body;
  return rest;
};
/** Sent by the running file (an unstamped body is one a test built itself). */
const current = (body: unknown) => fence.open && (!isRecord(body) || !(STAMP in body) || body[STAMP] === fence.file);

/** A producer binding whose messages carry the sending file's stamp. */
function stamping(queue: Queue): Queue {
  const send: Queue['send'] = (body, options) => queue.send(stamped(body), options);
  const sendBatch: Queue['sendBatch'] = (messages, options) =>
    queue.sendBatch(
      [...messages].map((m) => ({ ...m, body: stamped(m.body) })),
      options,
    );
  const proxy = new Proxy(queue, {
    get(target, key) {
      if (key === 'send') return send;
      if (key === 'sendBatch') return sendBatch;
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  fenced.add(proxy);
  return proxy;
}

async function counted<T>(work: () => Promise<T>): Promise<T> {
  fence.inFlight += 1;
  try {
    return await work();
  } finally {
    fence.inFlight -= 1;
  }
}

type Handler = (this: unknown, event: unknown) => Promise<unknown>;

/** The pool's queue handler, given only the running file's messages, bodies as sent. */
function fencedQueue(handler: Handler): Handler {
  return function (this: unknown, event: unknown) {
    const batch = event as MessageBatch;
    const live = batch.messages.filter((m) => current(m.body));
    for (const m of batch.messages) {
      if (live.includes(m)) continue;
      m.ack();
      fence.dropped.push(unstamped(m.body));
      fence.dropped.splice(0, fence.dropped.length - 50);
    }
    if (live.length === 0) return Promise.resolve();
    const messages = live.map((m) => ({
      id: m.id,
      timestamp: m.timestamp,
      attempts: m.attempts,
      body: unstamped(m.body),
      ack: () => m.ack(),
      retry: (options?: QueueRetryOptions) => m.retry(options),
    }));
    const view = {
      queue: batch.queue,
      messages,
      ackAll: () => {
        for (const m of messages) m.ack();
      },
      retryAll: (options?: QueueRetryOptions) => {
        for (const m of messages) m.retry(options);
      },
    };
    return counted(() => handler.call(this, view));
  };
}

function fencedFetch(handler: Handler): Handler {
  return function (this: unknown, request: unknown) {
    return counted(() => handler.call(this, request));
  };
}

/** Puts the fence up in this runtime (once: later files find it in place). */
export function installQueueFence(entrypoint: Record<string, unknown>) {
  const bindings = env as unknown as Record<string, unknown>;
  for (const name of ['EVENTS', 'JOBS']) {
    const queue = bindings[name] as Queue | undefined;
    if (queue && !fenced.has(queue)) bindings[name] = stamping(queue);
  }
  for (const [key, wrap] of [
    ['queue', fencedQueue],
    ['fetch', fencedFetch],
  ] as const) {
    const handler = entrypoint[key];
    if (typeof handler !== 'function') throw new Error(`queue-fence: the pool's entrypoint has no ${key}()`);
    if (fenced.has(handler)) continue;
    const wrapped = wrap(handler as Handler);
    fenced.add(wrapped);
    entrypoint[key] = wrapped;
  }
}

/** The file about to run: from now on its messages are processed, earlier files' are dropped. */
export function openFile() {
  fence.file += 1;
  fence.open = true;
}

/**
 * The end of a file: its `waitUntil` work finished (the sends among it included), then no delivery
 * starts any more and the ones running finish, and their own `waitUntil` work with them.
 */
export async function closeFile() {
  await settleBackgroundWork();
  fence.open = false;
  await vi.waitFor(
    () => {
      if (fence.inFlight > 0) throw new Error(`queue-fence: ${fence.inFlight} deliveries or requests still running`);
    },
    { timeout: 20_000, interval: 5 },
  );
  await settleBackgroundWork();
}
