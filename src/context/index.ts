import type { MiddlewareHandler } from 'hono';
import type { Config } from '../config';
import type { Db, DbMetrics } from '../db/client';
import type { Principal, TokenIdentity, UserAccount } from './principal';

/** Per-request dependencies handed to services (they never see Hono's Context). */
export interface Deps {
  db: Db;
  kv: KVNamespace;
  config: Config;
  metrics: DbMetrics;
  now: () => number;
  /** Runs work after the response without delaying it (KV writes, logs). */
  background: (work: Promise<unknown>) => void;
  /**
   * The stored account behind a verified token, created or kept in step just in time. The users
   * domain provides it (app.ts hands it to requestContext), so auth/ imports no domain.
   */
  syncUser(claims: TokenIdentity): Promise<UserAccount>;
}

/**
 * Why authentication refused (or ignored) a credential, for the request's log line: a reason such
 * as `expired` or `iss mismatch`, and for iss/aud the value received and the one configured. Never
 * the token (docs/operations.md#auth-errors).
 */
export interface AuthFailure {
  reason: string;
  received?: string;
  expected?: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    deps: Deps;
    principal: Principal;
    /** Set by authentication when it refuses a credential; read by the log line. */
    authFailure?: AuthFailure;
    /** Extra `Server-Timing` entries, e.g. `cache;desc="hit"`. */
    serverTiming: string[];
    /**
     * Runs after a write route's own middleware (lib/route.ts): the Idempotency-Key's guard, set by
     * the idempotency middleware when the request sends a key (docs/api/idempotency.md).
     */
    writeGuard?: MiddlewareHandler<AppEnv>;
  };
}
