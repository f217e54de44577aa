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

async function timed<T>(metrics: DbMetrics, statements: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  metrics.queries += 1;
  metrics.statements += statements;
  try {
    return await work();
  } finally {
    metrics.durationMs += performance.now() - started;
  }
}

function countingStatement(stmt: D1PreparedStatement, metrics: DbMetrics): D1PreparedStatement {
  return new Proxy(stmt, {
    get(target, prop) {
      if (prop === ORIGINAL) return target;
      if (prop === 'bind') {
        return (...values: unknown[]) => countingStatement(target.bind(...values), metrics);
      }
      const value = Reflect.get(target, prop, target);
      if (typeof prop === 'string' && EXECUTORS.has(prop) && typeof value === 'function') {
        return (...args: unknown[]) =>
          timed(metrics, 1, () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
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
export function countingD1(d1: D1Database, metrics: DbMetrics): D1Database {
  return new Proxy(d1, {
    get(target, prop) {
      if (prop === 'prepare') return (query: string) => countingStatement(target.prepare(query), metrics);
      if (prop === 'batch') {
        return (statements: D1PreparedStatement[]) =>
          timed(metrics, statements.length, () => target.batch(statements.map(unwrap)));
      }
      if (prop === 'exec') return (query: string) => timed(metrics, 1, () => target.exec(query));
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export function createDb(d1: D1Database, metrics: DbMetrics) {
  // No relational `schema`: the service uses the query builder only, and building the relational
  // config on every request would cost more than most handlers.
  return drizzle(countingD1(d1, metrics));
}

export type Db = ReturnType<typeof createDb>;
