import { AsyncLocalStorage } from 'node:async_hooks';
import { drizzle } from 'drizzle-orm/d1';

/** What one request spent on D1: round trips (a `batch` is one) and statements sent. */
export interface DbMetrics {
  queries: number;
  statements: number;
  durationMs: number;
}

export const newDbMetrics = (): DbMetrics => ({ queries: 0, statements: 0, durationMs: 0 });

const EXECUTORS = new Set<string>(['all', 'raw', 'run', 'first']);
const ORIGINAL = Symbol('original statement');

/**
 * The request a D1 call belongs to. The Drizzle instance (and the statements prepared on it) live
 * as long as the isolate, so the round trip is charged to whichever request is running it.
 */
const requestMetrics = new AsyncLocalStorage<DbMetrics>();

/** Runs `work` (a request) so that every D1 round trip it makes is counted in `metrics`. */
export const countingDbCallsIn = <T>(metrics: DbMetrics, work: () => T): T => requestMetrics.run(metrics, work);

async function timed<T>(statements: number, work: () => Promise<T>): Promise<T> {
  const metrics = requestMetrics.getStore();
  if (!metrics) return work();
  const started = performance.now();
  metrics.queries += 1;
  metrics.statements += statements;
  try {
    return await work();
  } finally {
    metrics.durationMs += performance.now() - started;
  }
}

function countingStatement(stmt: D1PreparedStatement): D1PreparedStatement {
  return new Proxy(stmt, {
    get(target, prop) {
      if (prop === ORIGINAL) return target;
      if (prop === 'bind') {
        return (...values: unknown[]) => countingStatement(target.bind(...values));
      }
      const value = Reflect.get(target, prop, target);
      if (typeof prop === 'string' && EXECUTORS.has(prop) && typeof value === 'function') {
        return (...args: unknown[]) =>
          timed(1, () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const unwrap = (stmt: D1PreparedStatement): D1PreparedStatement =>
  ((stmt as unknown as Record<symbol, D1PreparedStatement>)[ORIGINAL] ?? stmt) as D1PreparedStatement;

/**
 * Wraps the D1 binding so every round trip is counted for `Server-Timing` (service-contract.md
 * §Observability). Drizzle goes through this wrapper, so the count cannot drift from what runs.
 */
function countingD1(d1: D1Database): D1Database {
  return new Proxy(d1, {
    get(target, prop) {
      if (prop === 'prepare') return (query: string) => countingStatement(target.prepare(query));
      if (prop === 'batch') {
        return (statements: D1PreparedStatement[]) =>
          timed(statements.length, () => target.batch(statements.map(unwrap)));
      }
      if (prop === 'exec') return (query: string) => timed(1, () => target.exec(query));
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const newDb = (d1: D1Database) => drizzle(countingD1(d1));
export type Db = ReturnType<typeof newDb>;

const dbs = new WeakMap<D1Database, Db>();

/**
 * The Drizzle instance of a D1 binding, one per isolate (the runtime hands every request of an
 * isolate the same `env`), so statements prepared on it are built once, not per request. No
 * relational `schema`: the service uses the query builder only.
 */
export function dbFor(d1: D1Database): Db {
  let db = dbs.get(d1);
  if (!db) {
    db = newDb(d1);
    dbs.set(d1, db);
  }
  return db;
}

/**
 * A statement built once per Drizzle instance: Drizzle spends ~0.1 ms turning a three-table
 * select into SQL (measured), more than the rest of a cached request. `build` uses
 * `sql.placeholder` for the values and ends in `.prepare()`.
 */
export function preparedOn<T>(build: (db: Db) => T): (db: Db) => T {
  const built = new WeakMap<Db, T>();
  return (db) => {
    let statement = built.get(db);
    if (!statement) {
      statement = build(db);
      built.set(db, statement);
    }
    return statement;
  };
}
