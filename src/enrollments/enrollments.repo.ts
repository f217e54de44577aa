import { and, asc, eq, exists, inArray, type SQL, sql } from 'drizzle-orm';
import { type Db, preparedOn } from '../db/client';
import { jsonField, jsonPieces, jsonRows } from '../db/json-rows';
import {
  cohortPreassignments,
  cohorts,
  courseModes,
  courseRoles,
  courseRuns,
  enrollmentAllowances,
  enrollmentAttributes,
  enrollments,
  userOrgPreferences,
  users,
} from '../db/schema';
import type { StoredMode } from './course-modes';
import { enrollmentIdOf } from './enrollment-writes.repo';

export type CourseRow = typeof courseRuns.$inferSelect;
export type ModeRow = typeof courseModes.$inferSelect;
export type EnrollmentRow = typeof enrollments.$inferSelect;
export type UserRow = typeof users.$inferSelect;

/** How a request names its target user: by username, or by e-mail (oldest account wins). */
export type UserSelector = { username: string } | { email: string };

export function userIdOf(selector: UserSelector): SQL {
  return 'username' in selector
    ? sql`(select ${users.id} from ${users} where ${users.username} = ${selector.username})`
    : sql`(select ${users.id} from ${users} where ${users.email} = ${selector.email} order by ${users.id} limit 1)`;
}

const modesQuery = (db: Db, courseId: string) =>
  db.select().from(courseModes).where(eq(courseModes.courseId, courseId)).orderBy(asc(courseModes.position));

/**
 * A course's modes in provisioning order, as one JSON column: a course and its modes then come back
 * in ONE statement (cheaper than a batch of two on the hot miss path). The course is referenced as
 * "course_runs"."id" by hand: Drizzle would print a bare `id`, which binds inside the subquery.
 */
const modesJson = sql<string>`(select json_group_array(json_object(
    'slug', m.slug, 'name', m.name, 'minPrice', m.min_price, 'suggestedPrices', m.suggested_prices,
    'currency', m.currency, 'expirationAt', m.expiration_at, 'description', m.description,
    'sku', m.sku, 'bulkSku', m.bulk_sku))
  from (select * from ${courseModes} m0 where m0.course_id = "course_runs"."id" order by m0.position) m)`.as(
  'modes_json',
);

const parseModes = (json: string): StoredMode[] => JSON.parse(json) as StoredMode[];

/** The columns course details show (`StoredCourse`): a narrower row is cheaper to ship and map. */
const courseDetailColumns = {
  id: courseRuns.id,
  courseName: courseRuns.courseName,
  org: courseRuns.org,
  courseStart: courseRuns.courseStart,
  courseEnd: courseRuns.courseEnd,
  enrollmentStart: courseRuns.enrollmentStart,
  enrollmentEnd: courseRuns.enrollmentEnd,
  inviteOnly: courseRuns.inviteOnly,
  selfPaced: courseRuns.selfPaced,
};

/** A course run and its modes: one statement, built once per isolate. */
const courseWithModes = preparedOn((db) =>
  db
    .select({ course: courseDetailColumns, modes: modesJson })
    .from(courseRuns)
    .where(eq(courseRuns.id, sql.placeholder('courseId')))
    .prepare(),
);

export async function findCourseWithModes(db: Db, courseId: string) {
  const row = await courseWithModes(db).get({ courseId });
  return { course: row?.course ?? null, modes: row ? parseModes(row.modes) : [] };
}

/** One enrollment of a user (any state) with its course and modes: one statement, built once per isolate. */
const enrollmentWithCourse = preparedOn((db) =>
  db
    .select({
      enrollment: { createdAt: enrollments.createdAt, mode: enrollments.mode, isActive: enrollments.isActive },
      course: courseDetailColumns,
      modes: modesJson,
    })
    .from(enrollments)
    .innerJoin(users, eq(users.id, enrollments.userId))
    .innerJoin(courseRuns, eq(courseRuns.id, enrollments.courseId))
    .where(and(eq(users.username, sql.placeholder('username')), eq(enrollments.courseId, sql.placeholder('courseId'))))
    .prepare(),
);

export async function findEnrollmentWithCourse(db: Db, username: string, courseId: string) {
  const row = await enrollmentWithCourse(db).get({ username, courseId });
  return {
    enrollment: row?.enrollment ?? null,
    course: row?.course ?? null,
    modes: row ? parseModes(row.modes) : [],
  };
}

/**
 * A user's active enrollments with their courses and modes, plus (when `viewerId` is given) the
 * courses the viewer is course staff of: one round trip whatever the number of enrollments.
 */
export async function findActiveEnrollmentsOfUser(db: Db, username: string, viewerId: number | null) {
  const enrollmentCourses = db
    .select({ courseId: enrollments.courseId })
    .from(enrollments)
    .innerJoin(users, eq(users.id, enrollments.userId))
    .where(and(eq(users.username, username), eq(enrollments.isActive, true)));
  const [rows, courses, modes, staffOf] = await db.batch([
    db
      .select({ enrollment: enrollments })
      .from(enrollments)
      .innerJoin(users, eq(users.id, enrollments.userId))
      .where(and(eq(users.username, username), eq(enrollments.isActive, true)))
      .orderBy(asc(enrollments.createdAt), asc(enrollments.id)),
    db.select().from(courseRuns).where(inArray(courseRuns.id, enrollmentCourses)),
    db
      .select()
      .from(courseModes)
      .where(inArray(courseModes.courseId, enrollmentCourses))
      .orderBy(asc(courseModes.courseId), asc(courseModes.position)),
    db
      .selectDistinct({ courseId: courseRoles.courseId })
      .from(courseRoles)
      .innerJoin(users, eq(users.id, courseRoles.userId))
      .where(and(eq(courseRoles.userId, viewerId ?? -1), eq(users.isActive, true))),
  ]);
  return { enrollments: rows.map((r) => r.enrollment), courses, modes, staffOf: staffOf.map((r) => r.courseId) };
}

export interface EnrollContextQuery {
  target: UserSelector;
  courseId: string;
  callerId: number | null;
  cohortName: string | null;
}

/**
 * Everything POST /enrollment decides on, read in one round trip: the target, the course and its
 * modes, the current enrollment, the allowance for the target's e-mail, roles of target and caller,
 * the named cohort, the target's cohort pre-assignment and the course's random cohorts.
 */
export async function loadEnrollContext(db: Db, q: EnrollContextQuery) {
  const targetId = userIdOf(q.target);
  const targetEmail = sql`(select ${users.email} from ${users} where ${users.id} = ${targetId})`;
  const [target, course, modes, current, allowance, roles, named, preassigned, random] = await db.batch([
    db.select().from(users).where(eq(users.id, targetId)),
    db
      .select({
        course: courseRuns,
        // Counted only when the course has a capacity (CASE short-circuits the subquery). Columns
        // are spelled out: Drizzle leaves them unqualified here, and `id` would bind to enrollments.
        activeLearners: sql<number | null>`case when "course_runs"."max_student_enrollments_allowed" is null then null
          else (select count(*) from ${enrollments} e
            where e.course_id = "course_runs"."id" and e.is_active = 1
              and e.user_id not in (select r.user_id from ${courseRoles} r where r.course_id = "course_runs"."id")) end`,
      })
      .from(courseRuns)
      .where(eq(courseRuns.id, q.courseId)),
    modesQuery(db, q.courseId),
    db
      .select()
      .from(enrollments)
      .where(and(eq(enrollments.userId, targetId), eq(enrollments.courseId, q.courseId))),
    db
      .select()
      .from(enrollmentAllowances)
      .where(and(eq(enrollmentAllowances.email, targetEmail), eq(enrollmentAllowances.courseId, q.courseId))),
    db
      .select({ userId: courseRoles.userId, role: courseRoles.role, isActive: users.isActive })
      .from(courseRoles)
      .innerJoin(users, eq(users.id, courseRoles.userId))
      .where(
        and(eq(courseRoles.courseId, q.courseId), sql`${courseRoles.userId} in (${targetId}, ${q.callerId ?? -1})`),
      ),
    db
      .select()
      .from(cohorts)
      .where(and(eq(cohorts.courseId, q.courseId), eq(cohorts.name, q.cohortName ?? ''))),
    db
      .select({ cohortId: cohortPreassignments.cohortId })
      .from(cohortPreassignments)
      .where(and(eq(cohortPreassignments.courseId, q.courseId), eq(cohortPreassignments.email, targetEmail))),
    db
      .select({ id: cohorts.id })
      .from(cohorts)
      .where(and(eq(cohorts.courseId, q.courseId), eq(cohorts.assignmentType, 'random')))
      .orderBy(asc(cohorts.id)),
  ]);
  return {
    target: target[0] ?? null,
    course: course[0]?.course ?? null,
    activeLearners: course[0]?.activeLearners ?? null,
    modes,
    current: current[0] ?? null,
    allowance: allowance[0] ?? null,
    roles,
    cohort: q.cohortName === null ? null : (named[0] ?? null),
    preassignedCohortId: preassigned[0]?.cohortId ?? null,
    randomCohortIds: random.map((r) => r.id),
  };
}

export type EnrollContext = Awaited<ReturnType<typeof loadEnrollContext>>;

// ---- statements for the caller's batch (services run them together with `db.batch`) ----

export const readEnrollment = (db: Db, userId: number, courseId: string) =>
  db
    .select()
    .from(enrollments)
    .where(and(eq(enrollments.userId, userId), eq(enrollments.courseId, courseId)));

/** Whether (user, course)'s enrollment is exactly `state` (SQL for a condition). */
export const enrollmentIs = (
  db: Db,
  userId: number,
  courseId: string,
  state: Pick<EnrollmentRow, 'createdAt' | 'mode' | 'isActive'>,
) =>
  exists(
    db
      .select({ one: sql`1` })
      .from(enrollments)
      .where(
        and(
          eq(enrollments.userId, userId),
          eq(enrollments.courseId, courseId),
          eq(enrollments.createdAt, state.createdAt),
          eq(enrollments.mode, state.mode),
          eq(enrollments.isActive, state.isActive),
        ),
      ),
  );

export const upsertEnrollmentAttribute = (
  db: Db,
  userId: number,
  courseId: string,
  attribute: { namespace: string; name: string; value: string },
) =>
  db
    .insert(enrollmentAttributes)
    .values({ enrollmentId: enrollmentIdOf(userId, courseId), ...attribute })
    .onConflictDoUpdate({
      target: [enrollmentAttributes.enrollmentId, enrollmentAttributes.namespace, enrollmentAttributes.name],
      set: { value: attribute.value },
    });

export const setOrgEmailOptIn = (db: Db, userId: number, org: string, optIn: boolean, now: number) =>
  db
    .insert(userOrgPreferences)
    .values({ userId, org, emailOptIn: optIn ? 'True' : 'False', updatedAt: now })
    .onConflictDoUpdate({
      target: [userOrgPreferences.userId, userOrgPreferences.org],
      set: { emailOptIn: optIn ? 'True' : 'False', updatedAt: now },
    });

/** The stored state of these (user, course) pairs, for a batch that is about to change them. */
export const enrollmentStatesOf = (db: Db, pairs: readonly { userId: number; courseId: string }[]) =>
  jsonPieces(pairs).map((piece) =>
    db
      .select({
        userId: enrollments.userId,
        courseId: enrollments.courseId,
        mode: enrollments.mode,
        isActive: enrollments.isActive,
        createdAt: enrollments.createdAt,
      })
      .from(enrollments)
      .where(
        sql`(${enrollments.userId}, ${enrollments.courseId}) in
          (select ${jsonField('userId')}, ${jsonField('courseId')} from ${jsonRows(piece)})`,
      ),
  );
