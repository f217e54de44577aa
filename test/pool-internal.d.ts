/** The pool's runner module, which `cloudflare:test` re-exports from (test/helpers/file-isolation.ts). */
declare module 'cloudflare:test-internal' {
  export function waitForGlobalWaitUntil(): Promise<void>;
}
