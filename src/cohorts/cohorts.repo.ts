import { and, asc, eq, inArray, ne, notExists, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';
import { cohorts, courseRoles, courseRuns } from '../db/schema';

export type AssignmentType = (typeof cohorts.$inferSelect)['assignmentType'];

const courseExists = (db: Db, courseId: string) =>
  db.select({ id: courseRuns.id }).from(courseRuns).where(eq(courseRuns.id, courseId));

/**
 * Members with an active enrollment in the cohort's course (upstream counts only those). Written with
 * qualified names: Drizzle renders columns inside a `sql` select field without their table.
 */
const userCount = sql<number>`(
  select count(*) from cohort_memberships m
  join enrollments e on e.user_id = m.user_id and e.course_id = m.course_id and e.is_active = 1
  where m.cohort_id = "cohorts"."id"
)`.mapWith(Number);

const cohortColumns = {
  id: cohorts.id,
  name: cohorts.name,
  assignmentType: cohorts.assignmentType,
};

/** Whether the user holds `staff` or `instructor` on the run. One round trip. */
export async function holdsStaffRole(db: Db, courseId: string, userId: number): Promise<boolean> {
  const row = await db
    .select({ role: courseRoles.role })
    .from(courseRoles)
    .where(
      and(
        eq(courseRoles.courseId, courseId),
        eq(courseRoles.userId, userId),
        inArray(courseRoles.role, ['staff', 'instructor']),
      ),
    )
    .limit(1)
    .get();
  return row !== undefined;
}

/** A run's cohorts in creation order, or null when the run does not exist. One round trip. */
export async function listCohorts(db: Db, courseId: string) {
  const [course, rows] = await db.batch([
    courseExists(db, courseId),
    db
      .select({ ...cohortColumns, userCount })
      .from(cohorts)
      .where(eq(cohorts.courseId, courseId))
      .orderBy(asc(cohorts.id)),
  ]);
  return course.length > 0 ? rows : null;
}

/**
 * Creates a cohort if the run exists and has no cohort of that exact name (unique index; the insert
 * selects the run, so nothing is written otherwise). One round trip.
 */
export async function insertCohort(db: Db, courseId: string, name: string, type: AssignmentType, now: number) {
  const [course, inserted] = await db.batch([
    courseExists(db, courseId),
    db
      .insert(cohorts)
      .select((qb) =>
        qb
          .select({
            id: sql<number>`null`.as('id'),
            courseId: courseRuns.id,
            name: sql<string>`${name}`.as('name'),
            assignmentType: sql<AssignmentType>`${type}`.as('assignment_type'),
            createdAt: sql<number>`${now}`.as('created_at'),
          })
          .from(courseRuns)
          .where(eq(courseRuns.id, courseId)),
      )
      .onConflictDoNothing()
      .returning(cohortColumns),
  ]);
  return { courseFound: course.length > 0, cohort: inserted[0] ?? null };
}

const cohortOfCourse = (db: Db, courseId: string, cohortId: number) =>
  db
    .select({ ...cohortColumns, userCount })
    .from(cohorts)
    .where(and(eq(cohorts.id, cohortId), eq(cohorts.courseId, courseId)));

/** One cohort of a run, with whether the run exists. One round trip. */
export async function findCohort(db: Db, courseId: string, cohortId: number) {
  const [course, rows] = await db.batch([courseExists(db, courseId), cohortOfCourse(db, courseId, cohortId)]);
  return { courseFound: course.length > 0, cohort: rows[0] ?? null };
}

export interface CohortChange {
  name?: string;
  assignmentType?: AssignmentType;
}

const others = alias(cohorts, 'others');

/**
 * Renames and/or retypes a cohort unless the name is another cohort's or the change would leave the
 * run without a random cohort that had one; the guards sit in the update itself, so a refusal writes
 * nothing. Reads what the caller needs to word a refusal in the same batch. One round trip.
 */
export async function updateCohort(db: Db, courseId: string, cohortId: number, change: CohortChange) {
  const guards: SQL[] = [eq(cohorts.id, cohortId), eq(cohorts.courseId, courseId)];
  const nameTaken = db
    .select({ id: others.id })
    .from(others)
    .where(and(eq(others.courseId, courseId), eq(others.name, change.name ?? ''), ne(others.id, cohortId)));
  if (change.name !== undefined) guards.push(notExists(nameTaken));
  const randomCount = db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(others)
    .where(and(eq(others.courseId, courseId), eq(others.assignmentType, 'random')));
  if (change.assignmentType === 'manual') {
    guards.push(sql`not (${cohorts.assignmentType} = 'random' and (${randomCount}) = 1)`);
  }
  const [course, before, taken, randoms, updated] = await db.batch([
    courseExists(db, courseId),
    cohortOfCourse(db, courseId, cohortId),
    nameTaken,
    randomCount,
    db
      .update(cohorts)
      .set(change)
      .where(and(...guards))
      .returning({ id: cohorts.id }),
  ]);
  return {
    courseFound: course.length > 0,
    cohort: before[0] ?? null,
    nameTaken: change.name !== undefined && taken.length > 0,
    randomCohorts: randoms[0]?.n ?? 0,
    updated: updated.length > 0,
  };
}
