import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../db/client';
import { userOrgPreferences, userRetirements, users } from '../db/schema';

export type UserRow = typeof users.$inferSelect;

export const findUserByUsername = (db: Db, username: string) =>
  db.select().from(users).where(eq(users.username, username)).get();

/**
 * Last statement of allowance realisation: the account's allowances are realised for its current
 * e-mail, so the realisation statements before it do nothing until the e-mail or activation changes.
 */
export const markAllowancesRealised = (db: Db, username: string) =>
  db
    .update(users)
    .set({ allowancesRealisedFor: sql`${users.email}` })
    .where(and(eq(users.username, username), eq(users.isActive, true)));

/** Deletes the users `ids` (a subquery); their links, roles, cohorts, grades… cascade. */
export const deleteUsers = (db: Db, ids: SQL) => db.delete(users).where(inArray(users.id, ids));

/** Statements that run after the user write in the same batch (e.g. allowance realisation). */
type Followers = readonly BatchItem<'sqlite'>[];

/**
 * Just-in-time creation from JWT claims, then `followers`, in one batch; a concurrent first request
 * for the same name converges on one row.
 */
export async function upsertUserFromClaims(
  db: Db,
  claims: { username: string; email: string; isStaff: boolean },
  now: number,
  followers: Followers,
): Promise<UserRow> {
  const upsert = db
    .insert(users)
    .values({
      username: claims.username,
      email: claims.email,
      isStaff: claims.isStaff,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: users.username,
      set: {
        // An e-mail-less token keeps the stored address.
        email: claims.email ? claims.email : sql`${users.email}`,
        isStaff: claims.isStaff,
        updatedAt: now,
      },
    })
    .returning();
  const [rows] = await db.batch([upsert, ...followers]);
  return rows[0] as UserRow;
}

export type PreferenceRow = { org: string; emailOptIn: string };
export type RetirementRow = typeof userRetirements.$inferSelect;

/** What a provisioning PUT stores on a user (everything but identity and timestamps). */
export interface UserFields {
  email: string;
  name: string;
  isStaff: boolean;
  isSuperuser: boolean;
  isActive: boolean;
  country: string | null;
  language: string | null;
}

const preferencesOf = (db: Db, username: string) =>
  db
    .select({ org: userOrgPreferences.org, emailOptIn: userOrgPreferences.emailOptIn })
    .from(userOrgPreferences)
    .innerJoin(users, eq(users.id, userOrgPreferences.userId))
    .where(eq(users.username, username))
    .orderBy(userOrgPreferences.org);

const userIdOf = (db: Db, username: string) =>
  db.select({ id: users.id }).from(users).where(eq(users.username, username));

/** Upserts a user and reads back its org preferences: one round trip (one atomic batch). */
export async function upsertUser(db: Db, username: string, fields: UserFields, now: number, followers: Followers = []) {
  // Deactivating clears the allowance marker, so a later activation realises allowances again.
  const marker = fields.isActive ? sql`${users.allowancesRealisedFor}` : null;
  const [before, [row], preferences] = await db.batch([
    userIdOf(db, username),
    db
      .insert(users)
      .values({ username, ...fields, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: users.username, set: { ...fields, allowancesRealisedFor: marker, updatedAt: now } })
      .returning(),
    preferencesOf(db, username),
    ...followers,
  ]);
  return { created: before.length === 0, user: row as UserRow, preferences: preferences as PreferenceRow[] };
}

/** A user and its org preferences, or null: one round trip. */
export async function findUserWithPreferences(db: Db, username: string) {
  const [[row], preferences] = await db.batch([
    db.select().from(users).where(eq(users.username, username)),
    preferencesOf(db, username),
  ]);
  return row ? { user: row, preferences } : null;
}

/**
 * Records that a user asked to be retired, keeping the username and e-mail it had then (a repeat
 * keeps the first record). One round trip; `user` null when no such user.
 */
export async function insertRetirement(db: Db, username: string, now: number) {
  const retirementOf = () =>
    db
      .select({ retirement: userRetirements })
      .from(userRetirements)
      .innerJoin(users, eq(users.id, userRetirements.userId))
      .where(eq(users.username, username));
  const [[user], before, , [after]] = await db.batch([
    userIdOf(db, username),
    retirementOf(),
    db
      .insert(userRetirements)
      .select((qb) =>
        qb
          .select({
            userId: users.id,
            originalUsername: users.username,
            originalEmail: users.email,
            createdAt: sql<number>`${now}`.as('created_at'),
          })
          .from(users)
          .where(eq(users.username, username)),
      )
      .onConflictDoNothing(),
    retirementOf(),
  ]);
  return { found: user !== undefined, created: before.length === 0, retirement: after?.retirement ?? null };
}
