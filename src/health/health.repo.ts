import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';

/** Where wrangler (`d1 migrations apply`) and the tests' `applyD1Migrations` record what they applied. */
const MIGRATIONS_TABLE = 'd1_migrations';

export interface AppliedMigrations {
  /** The greatest applied migration name (names sort by their number prefix), or null. */
  newest: string | null;
  /** Whether `expected` is among the applied ones. */
  expectedApplied: boolean;
}

/** One round trip; throws `no such table: d1_migrations` on a database never migrated. */
export async function appliedMigrations(db: Db, expected: string): Promise<AppliedMigrations> {
  const row = await db.get<{ newest: string | null; expected_applied: number }>(
    sql`select (select max(name) from ${sql.identifier(MIGRATIONS_TABLE)}) as newest,
      exists (select 1 from ${sql.identifier(MIGRATIONS_TABLE)} where name = ${expected}) as expected_applied`,
  );
  return { newest: row?.newest ?? null, expectedApplied: row?.expected_applied === 1 };
}
