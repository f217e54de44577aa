/**
 * State a module keeps for the life of the isolate (caches, counters). Each piece is registered
 * here when its module loads, so the test suite, which runs many test files in one isolate, can
 * give each file what a new isolate starts with (docs/testing.md#isolation). Production never
 * calls `resetIsolateState`: a new isolate starts empty by itself.
 */
const registered: { clear(): void }[] = [];

/** `state`, registered: `const cache = isolateState(new Map<K, V>())`. */
export function isolateState<T extends { clear(): void }>(state: T): T {
  registered.push(state);
  return state;
}

export function resetIsolateState(): void {
  for (const state of registered) state.clear();
}
