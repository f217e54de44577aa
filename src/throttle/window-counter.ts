import { isolateState } from '../lib/isolate-state';

/**
 * Fixed-window request counters shared through KV, counted per isolate first.
 *
 * KV allows about one write per second per key and is eventually consistent (a write can take up
 * to ~60 s to show in other locations). So each isolate counts locally and folds its count into
 * the KV total at most once a second per key, after the response (`waitUntil`). Another isolate
 * sees those writes late, and two isolates can overwrite each other's sum. What that implies:
 * within one isolate the limit is exact; across isolates a caller can get through up to
 * (isolates × limit) in the worst case, typically limit + the requests of the last unsynced second
 * per isolate. The only KV read on the request path is the first one for a key in an isolate's window.
 */
export interface WindowState {
  windowStart: number;
  /** Last total read from or written to KV (includes what this isolate already flushed). */
  synced: number;
  /** Counted here and not yet written to KV. */
  pending: number;
  lastSyncAt: number;
  syncing: boolean;
  /** A fold is already scheduled for when the sync interval has passed. */
  deferred: boolean;
}

const SYNC_INTERVAL_MS = 1000;
const states = isolateState(new Map<string, WindowState>());
const MAX_TRACKED_KEYS = 10_000;

export interface CounterDeps {
  kv: KVNamespace;
  now: () => number;
  background: (work: Promise<unknown>) => void;
}

export interface WindowDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (≥ 1). */
  resetSeconds: number;
}

const kvKey = (bucket: string, windowStart: number) => `throttle:${bucket}:${windowStart}`;

async function readCount(kv: KVNamespace, key: string): Promise<number> {
  try {
    const value = await kv.get(key);
    const count = value === null ? 0 : Number(value);
    return Number.isFinite(count) ? count : 0;
  } catch {
    return 0; // KV trouble must not block requests; the local count still applies.
  }
}

function sync(deps: CounterDeps, bucket: string, state: WindowState, ttlSeconds: number): Promise<void> {
  state.syncing = true;
  state.lastSyncAt = deps.now();
  const key = kvKey(bucket, state.windowStart);
  const flushing = state.pending;
  return (async () => {
    try {
      const remote = await readCount(deps.kv, key);
      const total = Math.max(remote, state.synced) + flushing;
      await deps.kv.put(key, String(total), { expirationTtl: Math.max(60, ttlSeconds) });
      state.synced = total;
      state.pending -= flushing;
    } finally {
      state.syncing = false;
    }
  })();
}

/** Counts one request against `bucket` if it fits in the window; only allowed requests count. */
export async function hit(
  deps: CounterDeps,
  bucket: string,
  limit: number,
  windowSeconds: number,
): Promise<WindowDecision> {
  const now = deps.now();
  const windowMs = windowSeconds * 1000;
  const windowStart = Math.floor(now / windowMs) * windowMs;
  let state = states.get(bucket);
  if (!state || state.windowStart !== windowStart) {
    if (states.size >= MAX_TRACKED_KEYS) states.clear();
    const synced = await readCount(deps.kv, kvKey(bucket, windowStart));
    state = states.get(bucket);
    if (!state || state.windowStart !== windowStart) {
      state = { windowStart, synced, pending: 0, lastSyncAt: now, syncing: false, deferred: false };
      states.set(bucket, state);
    }
  }
  const resetSeconds = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
  const used = state.synced + state.pending;
  const allowed = used < limit;
  if (allowed) state.pending += 1;
  // Fold this isolate's count into KV at most once a second — also when this request is refused,
  // and, when it is too early, once the second has passed (within the request's waitUntil), so a
  // burst is published even if no further request reaches this isolate.
  if (!state.syncing && state.pending > 0) {
    const firstOfWindow = state.pending === 1 && state.synced === 0;
    const wait = state.lastSyncAt + SYNC_INTERVAL_MS - now;
    if (wait <= 0 || firstOfWindow) deps.background(sync(deps, bucket, state, windowSeconds * 2));
    else if (!state.deferred) {
      state.deferred = true;
      const folding = state;
      deps.background(
        new Promise((resolve) => setTimeout(resolve, wait)).then(() => {
          folding.deferred = false;
          if (!folding.syncing && folding.pending > 0) return sync(deps, bucket, folding, windowSeconds * 2);
        }),
      );
    }
  }
  if (!allowed) return { allowed: false, limit, remaining: 0, resetSeconds };
  return { allowed: true, limit, remaining: Math.max(0, limit - used - 1), resetSeconds };
}

/** Forget local state (tests). */
export const resetLocalCounters = () => states.clear();
