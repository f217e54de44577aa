import { and, asc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { inJsonList } from '../db/json-list';
import { jsonPieces } from '../db/json-rows';
import { cohortMemberships, cohorts, courseRuns, userRetirements, users } from '../db/schema';
import { removeFromCohort } from './memberships.repo';

// What the cohort members API reads (docs/api/cohorts.md#members). Each request's reads are one
// batch, whatever the number of identifiers: lists travel as JSON parameters read with json_each.

const courseExists = (db: Db, courseId: string) =>
  db.select({ id: courseRuns.id }).from(courseRuns).where(eq(courseRuns.id, courseId));

const cohortOfCourse = (db: Db, courseId: string, cohortId: number) =>
  db
    .select({ id: cohorts.id, name: cohorts.name })
    .from(cohorts)
    .where(and(eq(cohorts.id, cohortId), eq(cohorts.courseId, courseId)));

const inCohort = (q: { courseId: string; cohortId: number }) =>
  and(eq(cohortMemberships.courseId, q.courseId), eq(cohortMemberships.cohortId, q.cohortId));

const memberColumns = { username: users.username, email: users.email, name: users.name };

/** `offset` of the last page of `size` rows of the cohort, computed by D1 from the count. */
const lastPageOffset = (cohortId: number, size: number) =>
  sql`(select (max(count(*), 1) - 1) / ${size} * ${size} from ${cohortMemberships} where ${cohortMemberships.cohortId} = ${cohortId})`;

/** One page of a cohort's members in user id order, their count, and whether run and cohort exist. */
export async function loadMemberPage(
  db: Db,
  q: { courseId: string; cohortId: number; size: number; page: number | 'last' },
) {
  const offset = q.page === 'last' ? lastPageOffset(q.cohortId, q.size) : (q.page - 1) * q.size;
  const [course, cohort, counted, rows] = await db.batch([
    courseExists(db, q.courseId),
    cohortOfCourse(db, q.courseId, q.cohortId),
    db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(cohortMemberships)
      .where(inCohort(q)),
    db
      .select(memberColumns)
      .from(cohortMemberships)
      .innerJoin(users, eq(users.id, cohortMemberships.userId))
      .where(inCohort(q))
      .orderBy(asc(cohortMemberships.userId))
      .limit(q.size)
      // Drizzle renders an SQL offset as it does a number; its type admits numbers only.
      .offset(offset as number),
  ]);
  return { courseFound: course.length > 0, cohort: cohort[0] ?? null, count: counted[0]?.n ?? 0, rows };
}

/** `column in (identifiers)`, one JSON parameter per piece that fits D1's parameter size. */
const inIdentifiers = (column: typeof users.email | typeof users.username, identifiers: readonly string[]): SQL =>
  or(...jsonPieces(identifiers).map((piece) => inJsonList(column, piece))) ?? sql`false`;

/**
 * What an add request decides on, in one round trip: the run, the cohort, the users whose e-mail or
 * username is one of the identifiers (with whether they asked to be retired), and their cohorts in
 * the run.
 */
export async function loadAddState(db: Db, q: { courseId: string; cohortId: number; identifiers: string[] }) {
  const distinct = [...new Set(q.identifiers)];
  const matched = db
    .select({ id: users.id })
    .from(users)
    .where(or(inIdentifiers(users.email, distinct), inIdentifiers(users.username, distinct)));
  const [course, cohort, userRows, memberships] = await db.batch([
    courseExists(db, q.courseId),
    cohortOfCourse(db, q.courseId, q.cohortId),
    db
      .select({
        id: users.id,
        username: users.username,
        email: users.email,
        retiring: sql<number>`${userRetirements.userId} is not null`.mapWith(Boolean).as('retiring'),
      })
      .from(users)
      .leftJoin(userRetirements, eq(userRetirements.userId, users.id))
      .where(inArray(users.id, matched))
      .orderBy(asc(users.id)),
    db
      .select({ userId: cohortMemberships.userId, id: cohorts.id, name: cohorts.name })
      .from(cohortMemberships)
      .innerJoin(cohorts, eq(cohorts.id, cohortMemberships.cohortId))
      .where(and(eq(cohortMemberships.courseId, q.courseId), inArray(cohortMemberships.userId, matched))),
  ]);
  return {
    courseFound: course.length > 0,
    cohort: cohort[0] ?? null,
    users: userRows,
    cohortOf: new Map(memberships.map((m) => [m.userId, { id: m.id, name: m.name }])),
  };
}

/**
 * Removes a member, reading in the same batch what the answer needs: the run, the cohort, the user.
 * One round trip; the delete matches nothing unless the user is in that cohort.
 */
export async function removeMember(db: Db, q: { courseId: string; cohortId: number; username: string }) {
  const [course, cohort, user, removed] = await db.batch([
    courseExists(db, q.courseId),
    cohortOfCourse(db, q.courseId, q.cohortId),
    db.select({ id: users.id }).from(users).where(eq(users.username, q.username)),
    removeFromCohort(db, q.courseId, q.cohortId, q.username),
  ]);
  return {
    courseFound: course.length > 0,
    cohort: cohort[0] ?? null,
    userFound: user.length > 0,
    removed: removed.length > 0,
  };
}
