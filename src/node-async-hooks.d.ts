// The one Node API the Worker uses (compatibility flag `nodejs_als`), declared here instead of
// pulling all of @types/node into a Workers project.
declare module 'node:async_hooks' {
  export class AsyncLocalStorage<T> {
    getStore(): T | undefined;
    run<R>(store: T, callback: () => R): R;
  }
}
