import { and, asc, eq, inArray, sql } from 'drizzle-orm';
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
