import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from './client';

/** One statement of a caller's `db.batch`. */
export type Statement = BatchItem<'sqlite'>;

/** Runs statements as ONE atomic D1 batch (one round trip); nothing to run costs nothing. */
export async function runBatch(db: Db, statements: readonly Statement[]): Promise<unknown[]> {
  const [first, ...rest] = statements;
  if (!first) return [];
  return db.batch([first, ...rest]);
}
