import type { Config } from '../config';
import type { Db, DbMetrics } from '../db/client';
import type { Principal } from './principal';

/** Per-request dependencies handed to services (they never see Hono's Context). */
export interface Deps {
  db: Db;
  kv: KVNamespace;
  config: Config;
  metrics: DbMetrics;
  now: () => number;
  /** Runs work after the response without delaying it (KV writes, logs). */
  background: (work: Promise<unknown>) => void;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    deps: Deps;
    principal: Principal;
    /** Extra `Server-Timing` entries, e.g. `cache;desc="hit"`. */
    serverTiming: string[];
  };
}
