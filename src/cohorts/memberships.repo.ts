import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { jsonField, jsonPieces, jsonRows } from '../db/json-rows';
import { cohortMemberships, cohortPreassignments, users } from '../db/schema';

// The only writer of cohort memberships and pre-assignments (docs/architecture.md#one-owner-per-table):
// statements for the caller's batch, used by the Enrollment API, bulk, allowance realisation and the
// cohort members API.

/** Puts the learner in the cohort, moving them out of any other cohort of the course. */
export const placeInCohort = (db: Db, courseId: string, userId: number, cohortId: number) =>
  db
    .insert(cohortMemberships)
    .values({ courseId, userId, cohortId })
    .onConflictDoUpdate({ target: [cohortMemberships.courseId, cohortMemberships.userId], set: { cohortId } });

/** Adds to a cohort only when the learner has none in the course yet (random assignment). */
export const placeInCohortIfNone = (db: Db, courseId: string, userId: number, cohortId: number) =>
  db.insert(cohortMemberships).values({ courseId, userId, cohortId }).onConflictDoNothing();

/** `placeInCohort` for many learners of one course: one statement per JSON piece. */
export const placeManyInCohorts = (db: Db, courseId: string, rows: readonly { userId: number; cohortId: number }[]) =>
  jsonPieces(rows).map((piece) =>
    insertFromSelect(
      db,
      cohortMemberships,
      { courseId, userId: jsonField('userId'), cohortId: jsonField('cohortId') },
      sql`from ${jsonRows(piece)} where true`,
    ).onConflictDoUpdate({
      target: [cohortMemberships.courseId, cohortMemberships.userId],
      set: { cohortId: sql`excluded.cohort_id` },
    }),
  );

/** Cohorts that e-mails without an account join once the account exists. */
export const preassignToCohorts = (db: Db, courseId: string, rows: readonly { email: string; cohortId: number }[]) =>
  jsonPieces(rows).map((piece) =>
    insertFromSelect(
      db,
      cohortPreassignments,
      { courseId, email: jsonField('email'), cohortId: jsonField('cohortId') },
      sql`from ${jsonRows(piece)} where true`,
    ).onConflictDoUpdate({
      target: [cohortPreassignments.courseId, cohortPreassignments.email],
      set: { cohortId: sql`excluded.cohort_id` },
    }),
  );

/**
 * The pre-assigned cohorts of an account (`account`: a subquery with `id` and `email`) in the
 * courses `courseIds` (a subquery); a learner already in a cohort there keeps it.
 */
export const joinPreassignedCohorts = (db: Db, account: SQL, courseIds: SQL) =>
  insertFromSelect(
    db,
    cohortMemberships,
    { courseId: sql`p.course_id`, userId: sql`acc.id`, cohortId: sql`p.cohort_id` },
    sql`from ${cohortPreassignments} p join ${account} acc on p.email = acc.email where p.course_id in ${courseIds}`,
  ).onConflictDoNothing();

/**
 * Takes the user named `username` out of the course's cohort `cohortId`; returns the removed row
 * (none if they are not in it, or the cohort is another course's).
 */
export const removeFromCohort = (db: Db, courseId: string, cohortId: number, username: string) =>
  db
    .delete(cohortMemberships)
    .where(
      and(
        eq(cohortMemberships.courseId, courseId),
        eq(cohortMemberships.cohortId, cohortId),
        eq(cohortMemberships.userId, sql`(select ${users.id} from ${users} where ${users.username} = ${username})`),
      ),
    )
    .returning({ userId: cohortMemberships.userId });
