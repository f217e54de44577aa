import type { SQLWrapper } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { type DbMetrics, newDbMetrics } from './metrics';
import {
  asExecutor,
  type ClaimOf,
  type FirstWriteClaim,
  type OfferedAnswer,
  pendingClaim,
  withClaim,
} from './write-claim';

export { type DbMetrics, newDbMetrics };

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
 * The request's Drizzle instance over a D1 session (or the plain binding), counting into
 * `metrics`. No relational `schema`: the service uses the query builder only, and building the
 * relational config per request would cost more than most handlers.
 */
export function createDb(binding: D1Database | D1DatabaseSession, metrics: DbMetrics): Db {
  // A session has the binding's prepare and batch (no exec, which nothing here uses); Drizzle's
  // types only know the binding.
  const d1 = binding as D1Database;
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
 * Offers the answer this request expects to give, for its idempotency key (if it sent one) to keep
 * in the same batch as its first write, when `onlyIf` holds after that write: the key then costs no
 * round trip of its own (docs/api/idempotency.md#cost). Call it just before the first write.
 */
export function offerAnswer(db: Db, answer: OfferedAnswer, onlyIf: SQLWrapper): void {
  const claim = requestOf.get(db)?.claim;
  if (claim?.state === 'armed') claim.offer?.(answer, onlyIf);
}

/**
 * Statements built once per isolate run on a Drizzle instance of their own, shared by all requests
 * (and all bindings). Its D1 only routes: a statement is prepared on the D1 of the request running
 * it (the request's session, docs/api/read-your-writes.md) when Drizzle binds its values, and its
 * round trip charged to that request. `running` is set only while a request synchronously starts
 * its statement (Drizzle binds before its first `await`); had Drizzle ever awaited first, the
 * statement would throw rather than run elsewhere, and the Server-Timing tests say so. Preparing on
 * the session costs a small object; building the SQL is what is saved. (An AsyncLocalStorage does
 * the same without the assumption, but costs ~10% of a D1 request in workerd: every await of the
 * request then carries the context.)
 */
let running: { d1: D1Database; metrics: DbMetrics } | undefined;

function onRunningRequest(query: string): D1PreparedStatement {
  if (!running) throw new Error('preparedOn: a shared statement ran outside its request');
  const { d1, metrics } = running;
  return countingStatement(d1.prepare(query), () => metrics, query, noClaim, d1);
}

const routingD1 = {
  prepare: (query: string) =>
    ({
      bind: (...values: unknown[]) => onRunningRequest(query).bind(...values),
      all: () => onRunningRequest(query).all(),
      raw: () => onRunningRequest(query).raw(),
      first: () => onRunningRequest(query).first(),
      run: () => onRunningRequest(query).run(),
    }) as unknown as D1PreparedStatement,
} as unknown as D1Database;

let isolateDb: Db | undefined;

interface PreparedGet<V, R> {
  get(values: V): Promise<R>;
}

/**
 * A select built into SQL once per isolate: Drizzle spends ~0.1 ms turning a three-table select
 * into SQL (measured), more than the rest of a cached request. `build` uses `sql.placeholder` for
 * the values and ends in `.prepare()`.
 */
export function preparedOn<V, R>(build: (db: Db) => PreparedGet<V, R>): (db: Db) => PreparedGet<V, R> {
  let built: PreparedGet<V, R> | undefined;
  return (db) => {
    const request = requestOf.get(db);
    if (!request) throw new Error('preparedOn: not a request database (createDb)');
    isolateDb ??= drizzle(routingD1);
    built ??= build(isolateDb);
    const prepared = built;
    return {
      get(values) {
        const previous = running;
        running = request;
        try {
          return prepared.get(values);
        } finally {
          running = previous;
        }
      },
    };
  };
}
