import { sql } from 'drizzle-orm';
import type { Statement } from '../db/batch';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { jsonField, jsonPieces, jsonRows } from '../db/json-rows';
import { users } from '../db/schema';
import type { UserFields } from './users.repo';

/** One user of an import call: the provisioning PUT's fields plus the username. */
export interface ImportedUser extends UserFields {
  username: string;
}

/** How a stored user compares with its imported line. */
export type UserImportOutcome = 'created' | 'updated' | 'unchanged';

const COMPARED = ['email', 'name', 'isStaff', 'isSuperuser', 'isActive', 'country', 'language'] as const;

/** The stored users of these usernames, as they were before the batch's upsert (same batch). */
export const storedUsersOf = (db: Db, usernames: readonly string[]) =>
  jsonPieces(usernames).map((piece) =>
    db
      .select()
      .from(users)
      .where(sql`${users.username} in (select value from ${jsonRows(piece)})`),
  );

/**
 * Upserts every imported user, set-based (a constant number of statements per 256 KB of input):
 * unchanged rows are left alone (their `updated_at` too). Deactivating clears the allowance marker,
 * as a provisioning PUT does.
 */
export function upsertImportedUsers(db: Db, rows: readonly ImportedUser[], now: number): Statement[] {
  return jsonPieces(rows).map((piece) =>
    insertFromSelect(
      db,
      users,
      {
        id: null,
        username: jsonField('username'),
        email: jsonField('email'),
        name: jsonField('name'),
        isStaff: jsonField('isStaff'),
        isSuperuser: jsonField('isSuperuser'),
        isActive: jsonField('isActive'),
        country: jsonField('country'),
        language: jsonField('language'),
        allowancesRealisedFor: null,
        createdAt: now,
        updatedAt: now,
      },
      sql`from ${jsonRows(piece)} where true`,
    ).onConflictDoUpdate({
      target: users.username,
      set: {
        email: sql`excluded.email`,
        name: sql`excluded.name`,
        isStaff: sql`excluded.is_staff`,
        isSuperuser: sql`excluded.is_superuser`,
        isActive: sql`excluded.is_active`,
        country: sql`excluded.country`,
        language: sql`excluded.language`,
        allowancesRealisedFor: sql`case when excluded.is_active then ${users.allowancesRealisedFor} else null end`,
        updatedAt: now,
      },
      setWhere: sql.join(
        COMPARED.map((key) => sql`${users[key]} is not excluded.${sql.raw(users[key].name)}`),
        sql` or `,
      ),
    }),
  );
}

/** Created, updated or unchanged: the line against the row stored before the batch. */
export function userImportOutcome(
  line: ImportedUser,
  stored: typeof users.$inferSelect | undefined,
): UserImportOutcome {
  if (!stored) return 'created';
  return COMPARED.every((key) => stored[key] === line[key]) ? 'unchanged' : 'updated';
}
