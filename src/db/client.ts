import { drizzle } from 'drizzle-orm/d1';
import { asExecutor, type ClaimOf, type FirstWriteClaim, pendingClaim, withClaim } from './write-claim';

/** What one request spent on D1: round trips (a `batch` is one) and statements sent. */
export interface DbMetrics {
  queries: number;
  statements: number;
  durationMs: number;
}

export const newDbMetrics = (): DbMetrics => ({ queries: 0, statements: 0, durationMs: 0 });

/** Whose round trips a wrapped binding counts: read when a statement is sent. */
type MetricsOf = () => DbMetrics | undefined;

const EXECUTORS = new Set<string>(['all', 'raw', 'run', 'first']);
const ORIGINAL = Symbol('original statement');
const SQL = Symbol('statement sql');
const noClaim: ClaimOf = () => undefined;

async function timed<T>(metrics: DbMetrics | undefined, statements: number, work: () => Promise<T>): Promise<T> {
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

function countingStatement(
  stmt: D1PreparedStatement,
  metricsOf: MetricsOf,
  query: string,
  claimOf: ClaimOf,
  d1: D1Database,
): D1PreparedStatement {
  return new Proxy(stmt, {
    get(target, prop) {
      if (prop === ORIGINAL) return target;
      if (prop === SQL) return query;
      if (prop === 'bind') {
        return (...values: unknown[]) => countingStatement(target.bind(...values), metricsOf, query, claimOf, d1);
      }
      const value = Reflect.get(target, prop, target);
      if (typeof prop === 'string' && EXECUTORS.has(prop) && typeof value === 'function') {
        const claim = pendingClaim(claimOf, [query]);
        if (claim) {
          return (...args: unknown[]) =>
            timed(metricsOf(), claim.statements.length + 1, async () => {
              const [result] = await withClaim(d1, claim, [target]);
              return asExecutor(result as D1Result, prop, args);
            });
        }
        return (...args: unknown[]) =>
          timed(metricsOf(), 1, () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const unwrap = (stmt: D1PreparedStatement): D1PreparedStatement =>
  ((stmt as unknown as Record<symbol, D1PreparedStatement>)[ORIGINAL] ?? stmt) as D1PreparedStatement;
const sqlOf = (stmt: D1PreparedStatement) => ((stmt as unknown as Record<symbol, string>)[SQL] ?? '') as string;

/**
 * Wraps the D1 binding so every round trip is counted for `Server-Timing` (docs/operations.md#server-timing).
 * Drizzle goes through this wrapper, so the count cannot drift from what runs.
 */
function countingD1(d1: D1Database, metricsOf: MetricsOf, claimOf: ClaimOf): D1Database {
  return new Proxy(d1, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (query: string) => countingStatement(target.prepare(query), metricsOf, query, claimOf, target);
      }
      if (prop === 'batch') {
        return (statements: D1PreparedStatement[]) => {
          const claim = pendingClaim(claimOf, statements.map(sqlOf));
          if (claim) {
            const raw = statements.map(unwrap);
            return timed(metricsOf(), claim.statements.length + raw.length, () => withClaim(target, claim, raw));
          }
          return timed(metricsOf(), statements.length, () => target.batch(statements.map(unwrap)));
        };
      }
      if (prop === 'exec') return (query: string) => timed(metricsOf(), 1, () => target.exec(query));
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const newDb = (d1: D1Database, metricsOf: MetricsOf, claimOf = noClaim) => drizzle(countingD1(d1, metricsOf, claimOf));
export type Db = ReturnType<typeof newDb>;

const requestOf = new WeakMap<Db, { d1: D1Database; metrics: DbMetrics; claim?: FirstWriteClaim }>();

/**
 * The request's Drizzle instance, counting into `metrics`. No relational `schema`: the service uses
 * the query builder only, and building the relational config per request would cost more than most
 * handlers.
 */
export function createDb(d1: D1Database, metrics: DbMetrics): Db {
  const request: { d1: D1Database; metrics: DbMetrics; claim?: FirstWriteClaim } = { d1, metrics };
  const db = newDb(
    d1,
    () => metrics,
    () => request.claim,
  );
  requestOf.set(db, request);
  return db;
}

/**
 * Sends `claim`'s statements in front of the request's first write (a statement or batch that is not
 * a pure select), in the same atomic batch, once: if they fail, nothing of that write is applied. The
 * idempotency key rides on the write it protects (docs/api/idempotency.md#claim). The isolate's
 * prepared selects never write, so they never carry it.
 */
export function claimBeforeFirstWrite(db: Db, claim: FirstWriteClaim): void {
  const request = requestOf.get(db);
  if (!request) throw new Error('claimBeforeFirstWrite: not a request database (createDb)');
  request.claim = claim;
}

/**
 * Statements prepared once per isolate run on a Drizzle instance of their own, shared by all
 * requests; a round trip is charged to `chargedTo`, set only while a request synchronously starts
 * its statement (Drizzle sends it before its first `await`). Had Drizzle ever awaited first, the
 * round trip would go uncounted — never to another request — and the Server-Timing tests say so.
 * (An AsyncLocalStorage does the same without that assumption, but costs ~10% of a D1 request in
 * workerd: every await of the request then carries the context.)
 */
let chargedTo: DbMetrics | undefined;
const isolateDbs = new WeakMap<D1Database, Db>();

function isolateDb(d1: D1Database): Db {
  let db = isolateDbs.get(d1);
  if (!db) {
    db = newDb(d1, () => chargedTo);
    isolateDbs.set(d1, db);
  }
  return db;
}

interface PreparedGet<V, R> {
  get(values: V): Promise<R>;
}

/**
 * A select built into SQL once per isolate (the runtime hands every request of an isolate the same
 * `env`): Drizzle spends ~0.1 ms turning a three-table select into SQL (measured), more than the
 * rest of a cached request. `build` uses `sql.placeholder` for the values and ends in `.prepare()`.
 */
export function preparedOn<V, R>(build: (db: Db) => PreparedGet<V, R>): (db: Db) => PreparedGet<V, R> {
  const built = new WeakMap<D1Database, PreparedGet<V, R>>();
  return (db) => {
    const request = requestOf.get(db);
    if (!request) throw new Error('preparedOn: not a request database (createDb)');
    let statement = built.get(request.d1);
    if (!statement) {
      statement = build(isolateDb(request.d1));
      built.set(request.d1, statement);
    }
    const prepared = statement;
    return {
      get(values) {
        const previous = chargedTo;
        chargedTo = request.metrics;
        try {
          return prepared.get(values);
        } finally {
          chargedTo = previous;
        }
      },
    };
  };
}
