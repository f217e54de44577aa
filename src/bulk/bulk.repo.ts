import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { inJsonList } from '../db/json-list';
import {
  cohortMemberships,
  cohorts,
  courseModes,
  courseRuns,
  enrollmentAllowances,
  enrollments,
  userRetirements,
  users,
} from '../db/schema';

// What bulk enrollment reads. Lists travel as ONE JSON parameter read with `json_each`, so a
// statement's bound parameters stay far under D1's limit of 100 whatever the number of
// identifiers, and the round trips do not grow with them. Its writes are the owning domains'
// statement builders, composed in bulk.writes.ts.

const inJson = inJsonList;

/**
 * Everything a bulk request decides on, in one round trip: the users named by username or e-mail
 * (with their retirement), retired e-mails, the courses with their modes, the named cohorts, and —
 * for those users and e-mails in those courses — enrollments, allowances and cohort memberships.
 */
export async function loadBulkState(db: Db, q: { identifiers: string[]; courseIds: string[]; cohortNames: string[] }) {
  const matched = db
    .select({ id: users.id })
    .from(users)
    .where(sql`${inJson(users.username, q.identifiers)} or ${inJson(users.email, q.identifiers)}`);
  const matchedEmails = db.select({ email: users.email }).from(users).where(inJson(users.username, q.identifiers));
  const [userRows, retired, courseRows, modeRows, cohortRows, enrollmentRows, allowanceRows, membershipRows] =
    await db.batch([
      db
        // Aliased: inside a D1 batch rows come back keyed by column name, so a second `created_at`
        // would overwrite the user's.
        .select({ user: users, retiredAt: sql<number | null>`${userRetirements.createdAt}`.as('retired_at') })
        .from(users)
        .leftJoin(userRetirements, eq(userRetirements.userId, users.id))
        .where(inArray(users.id, matched))
        .orderBy(asc(users.id)),
      db
        .select({ email: userRetirements.originalEmail })
        .from(userRetirements)
        .where(inJson(userRetirements.originalEmail, q.identifiers)),
      db
        .select({ id: courseRuns.id, name: courseRuns.courseName })
        .from(courseRuns)
        .where(inJson(courseRuns.id, q.courseIds)),
      db.select().from(courseModes).where(inJson(courseModes.courseId, q.courseIds)).orderBy(asc(courseModes.position)),
      db
        .select({ id: cohorts.id, courseId: cohorts.courseId, name: cohorts.name })
        .from(cohorts)
        .where(and(inJson(cohorts.courseId, q.courseIds), inJson(cohorts.name, q.cohortNames))),
      db
        .select()
        .from(enrollments)
        .where(and(inJson(enrollments.courseId, q.courseIds), inArray(enrollments.userId, matched))),
      db
        .select()
        .from(enrollmentAllowances)
        .where(
          and(
            inJson(enrollmentAllowances.courseId, q.courseIds),
            sql`(${inJson(enrollmentAllowances.email, q.identifiers)} or ${inArray(enrollmentAllowances.email, matchedEmails)})`,
          ),
        ),
      db
        .select({ courseId: cohortMemberships.courseId, userId: cohortMemberships.userId, name: cohorts.name })
        .from(cohortMemberships)
        .innerJoin(cohorts, eq(cohorts.id, cohortMemberships.cohortId))
        .where(and(inJson(cohortMemberships.courseId, q.courseIds), inArray(cohortMemberships.userId, matched))),
    ]);
  return {
    users: userRows,
    retiredEmails: retired.map((r) => r.email),
    courses: courseRows,
    modes: modeRows,
    cohorts: cohortRows,
    enrollments: enrollmentRows,
    allowances: allowanceRows,
    memberships: membershipRows,
  };
}
