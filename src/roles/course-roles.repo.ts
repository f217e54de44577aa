import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { jsonField, jsonRows } from '../db/json-rows';
import { courseRoles, courseRuns, users } from '../db/schema';

// The only writer of course roles (docs/architecture.md#one-owner-per-table): the provisioning
// API grants and revokes one at a time, program enrollments grant and revoke course staff in sets.

export type CourseRole = (typeof courseRoles.$inferSelect)['role'];

const courseExists = (db: Db, courseId: string) =>
  db.select({ id: courseRuns.id }).from(courseRuns).where(eq(courseRuns.id, courseId));
const userIdOf = (db: Db, username: string) =>
  db.select({ id: users.id }).from(users).where(eq(users.username, username));
const roleHeld = (db: Db, courseId: string, username: string, role: CourseRole) =>
  db
    .select({ role: courseRoles.role })
    .from(courseRoles)
    .innerJoin(users, eq(users.id, courseRoles.userId))
    .where(and(eq(courseRoles.courseId, courseId), eq(users.username, username), eq(courseRoles.role, role)));

/**
 * Grants a course role when both the run and the user exist (the insert selects them, so it is a
 * no-op otherwise). One round trip; `created` is false when the role was already held.
 */
export async function insertCourseRole(db: Db, courseId: string, username: string, role: CourseRole, now: number) {
  const [course, user, before] = await db.batch([
    courseExists(db, courseId),
    userIdOf(db, username),
    roleHeld(db, courseId, username, role),
    db
      .insert(courseRoles)
      .select((qb) =>
        qb
          .select({
            courseId: courseRuns.id,
            userId: users.id,
            role: sql<CourseRole>`${role}`.as('role'),
            createdAt: sql<number>`${now}`.as('created_at'),
          })
          .from(courseRuns)
          .innerJoin(users, eq(users.username, username))
          .where(eq(courseRuns.id, courseId)),
      )
      .onConflictDoNothing(),
  ]);
  return { courseFound: course.length > 0, userFound: user.length > 0, created: before.length === 0 };
}

/** Revokes a course role. One round trip; `deleted` is false when it was not held. */
export async function deleteCourseRole(db: Db, courseId: string, username: string, role: CourseRole) {
  const [course, user, deleted] = await db.batch([
    courseExists(db, courseId),
    userIdOf(db, username),
    db
      .delete(courseRoles)
      .where(
        and(
          eq(courseRoles.courseId, courseId),
          eq(courseRoles.role, role),
          inArray(courseRoles.userId, userIdOf(db, username)),
        ),
      )
      .returning({ role: courseRoles.role }),
  ]);
  return { courseFound: course.length > 0, userFound: user.length > 0, deleted: deleted.length > 0 };
}

/** A learner in a run. */
export type LearnerInRun = { userId: number; courseId: string };

/** Grants `role` to each learner in its run (kept when already held); one statement for the caller's batch. */
export const grantCourseRoles = (db: Db, rows: readonly LearnerInRun[], role: CourseRole, now: number) =>
  insertFromSelect(
    db,
    courseRoles,
    { courseId: jsonField('courseId'), userId: jsonField('userId'), role, createdAt: now },
    sql`from ${jsonRows(rows)} where true`,
  ).onConflictDoNothing();

/** Revokes `role` of each learner in its run; one statement for the caller's batch. */
export const revokeCourseRoles = (db: Db, rows: readonly LearnerInRun[], role: CourseRole) =>
  db.delete(courseRoles).where(
    and(
      eq(courseRoles.role, role),
      sql`("course_roles"."user_id", "course_roles"."course_id")
        in (select ${jsonField('userId')}, ${jsonField('courseId')} from ${jsonRows(rows)})`,
    ),
  );
