/** What one request spent on D1: round trips (a `batch` is one) and statements sent. */
export interface DbMetrics {
  queries: number;
  statements: number;
  durationMs: number;
}

/** Kept apart from `./client` so that counting needs no drizzle: the request context imports only this. */
export const newDbMetrics = (): DbMetrics => ({ queries: 0, statements: 0, durationMs: 0 });
