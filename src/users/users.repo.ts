import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { users } from '../db/schema';

export type UserRow = typeof users.$inferSelect;

export const findUserByUsername = (db: Db, username: string) =>
  db.select().from(users).where(eq(users.username, username)).get();

/** Just-in-time creation from JWT claims; a concurrent first request for the same name converges. */
export function upsertUserFromClaims(
  db: Db,
  claims: { username: string; email: string; isStaff: boolean },
  now: number,
): Promise<UserRow> {
  return db
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
    .returning()
    .get();
}
