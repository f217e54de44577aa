import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * App-level: a write that sends `Idempotency-Key` gets the key's guard, which `route()` runs after
 * the route's authentication, permission and throttle (so 401/403/429 never reach it).
 */
export const idempotencyKeys: MiddlewareHandler<AppEnv> = async function idempotencyKeys(c, next) {
  if (WRITES.has(c.req.method) && c.req.header('Idempotency-Key') !== undefined) c.set('writeGuard', guardKey);
  await next();
};

let loadedGuard: Promise<MiddlewareHandler<AppEnv>> | undefined;

/**
 * The guard and the idempotency service behind it (its table, its statements) are imported by the
 * first write that sends a key, not at start-up: a new isolate does not build them before its first
 * answer (docs/operations.md#start-up). A failed import is retried by the next such write.
 */
const guardKey: MiddlewareHandler<AppEnv> = async function guardKey(c, next) {
  if (!loadedGuard) {
    loadedGuard = import('./key-guard').then((module) => module.guardKey);
    loadedGuard.catch(() => {
      loadedGuard = undefined;
    });
  }
  return (await loadedGuard)(c, next);
};
