import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { inJsonList } from '../db/json-list';
import { jsonField, jsonPieces, jsonRows } from '../db/json-rows';
import { enrollmentAllowances } from '../db/schema';

// The only writer of enrollment allowances (CourseEnrollmentAllowed): the staff endpoints, the
// Enrollment API (an allowance consumed on enroll), bulk, and allowance realisation use these.

export type AllowanceRow = typeof enrollmentAllowances.$inferSelect;

export const findAllowancesByEmail = (db: Db, email: string) =>
  db
    .select()
    .from(enrollmentAllowances)
    .where(eq(enrollmentAllowances.email, email))
    .orderBy(asc(enrollmentAllowances.createdAt), asc(enrollmentAllowances.id));

/** Creates the allowance unless (email, course) exists; returns the new row or nothing. */
export const insertAllowance = (
  db: Db,
  values: { email: string; courseId: string; autoEnroll: boolean; createdAt: number },
) => db.insert(enrollmentAllowances).values(values).onConflictDoNothing().returning();

export const deleteAllowance = (db: Db, email: string, courseId: string) =>
  db
    .delete(enrollmentAllowances)
    .where(and(eq(enrollmentAllowances.email, email), eq(enrollmentAllowances.courseId, courseId)))
    .returning({ id: enrollmentAllowances.id });

/** Marks the allowance consumed by the account, unless another account consumed it first. */
export const consumeAllowance = (db: Db, allowanceId: number, userId: number) =>
  db
    .update(enrollmentAllowances)
    .set({ userId })
    .where(and(eq(enrollmentAllowances.id, allowanceId), sql`${enrollmentAllowances.userId} is null`));

/** Creates or updates many allowances of one course (the consumer, if any, is kept). */
export const upsertAllowances = (
  db: Db,
  courseId: string,
  rows: readonly { email: string; autoEnroll: boolean }[],
  now: number,
) =>
  jsonPieces(rows).map((piece) =>
    insertFromSelect(
      db,
      enrollmentAllowances,
      {
        id: null,
        email: jsonField('email'),
        courseId,
        autoEnroll: jsonField('autoEnroll'),
        userId: null,
        createdAt: now,
      },
      sql`from ${jsonRows(piece)} where true`,
    ).onConflictDoUpdate({
      target: [enrollmentAllowances.email, enrollmentAllowances.courseId],
      set: { autoEnroll: sql`excluded.auto_enroll` },
    }),
  );

/** Withdraws the allowances of these e-mails in one course. */
export const deleteAllowances = (db: Db, courseId: string, emails: readonly string[]) =>
  jsonPieces(emails).map((piece) =>
    db
      .delete(enrollmentAllowances)
      .where(and(eq(enrollmentAllowances.courseId, courseId), inJsonList(enrollmentAllowances.email, piece))),
  );
