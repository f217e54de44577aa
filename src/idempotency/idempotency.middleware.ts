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

let loadedGuard: MiddlewareHandler<AppEnv> | undefined;

/**
 * The guard and the idempotency service behind it (its table, its statements) are imported by the
 * first write that sends a key, not at start-up, as app.ts imports the users domain's account sync:
 * a new isolate does not build them before its first answer (docs/operations.md#start-up).
 */
const guardKey: MiddlewareHandler<AppEnv> = async function guardKey(c, next) {
  loadedGuard ??= (await import('./key-guard')).guardKey;
  return loadedGuard(c, next);
};
