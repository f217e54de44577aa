import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { inJsonList } from '../db/json-list';
import { courseRoles, courseRuns, enrollments, userRetirements, users } from '../db/schema';
import type { Cursor } from '../lib/cursor';

// Queries of the enrollment API's staff and service endpoints (E6–E9).

/** E6: the caller's course roles with each course's org, ordered by course then role. */
export const findRolesOfUser = (db: Db, userId: number, courseId: string | null) =>
  db
    .select({ org: courseRuns.org, course_id: courseRoles.courseId, role: courseRoles.role })
    .from(courseRoles)
    .innerJoin(courseRuns, eq(courseRuns.id, courseRoles.courseId))
    .where(and(eq(courseRoles.userId, userId), courseId === null ? undefined : eq(courseRoles.courseId, courseId)))
    .orderBy(asc(courseRoles.courseId), asc(courseRoles.role));

export interface AdminListFilters {
  courseId: string | null;
  usernames: string[];
  /** Lower-cased `course_ids` items. */
  courseIds: string[];
  emails: string[];
}

/**
 * E8 page: keyset paging on (created, id) descending, `limit` + 1 rows to know whether more follow.
 * A `course_ids` item matches a run whose id, id without `course-v1:`, or `ORG+COURSE` part equals
 * it, case-insensitively (D7), resolved against the (small) course catalog.
 */
export async function findAdminPage(db: Db, filters: AdminListFilters, cursor: Cursor | null, limit: number) {
  const conditions: (SQL | undefined)[] = [];
  if (filters.courseId) conditions.push(eq(enrollments.courseId, filters.courseId));
  if (filters.usernames.length) conditions.push(inJsonList(users.username, filters.usernames));
  if (filters.emails.length) conditions.push(inJsonList(users.email, filters.emails));
  if (filters.courseIds.length) {
    conditions.push(
      inArray(
        enrollments.courseId,
        sql`(select c.id from ${courseRuns} c where exists (
          select 1 from json_each(${JSON.stringify(filters.courseIds)}) j
          where lower(c.id) = j.value or lower(c.id) = 'course-v1:' || j.value
            or (substr(lower(c.id), 1, length(j.value) + 11) = 'course-v1:' || j.value || '+'
                and instr(substr(c.id, length(j.value) + 12), '+') = 0)))`,
      ),
    );
  }
  const newerFirst = cursor?.direction !== 'p';
  if (cursor) {
    conditions.push(
      newerFirst
        ? sql`(${enrollments.createdAt}, ${enrollments.id}) < (${cursor.createdAt}, ${cursor.id})`
        : sql`(${enrollments.createdAt}, ${enrollments.id}) > (${cursor.createdAt}, ${cursor.id})`,
    );
  }
  const order = newerFirst
    ? [desc(enrollments.createdAt), desc(enrollments.id)]
    : [asc(enrollments.createdAt), asc(enrollments.id)];
  return db
    .select({
      id: enrollments.id,
      createdAt: enrollments.createdAt,
      mode: enrollments.mode,
      isActive: enrollments.isActive,
      username: users.username,
      courseId: enrollments.courseId,
    })
    .from(enrollments)
    .innerJoin(users, eq(users.id, enrollments.userId))
    .where(and(...conditions))
    .orderBy(...order)
    .limit(limit + 1);
}

/** E7: the retirement request for a username and the user's enrollments with their orgs (one round trip). */
export async function findRetirementWithEnrollments(db: Db, username: string) {
  const retiredUserId = sql`(select ${userRetirements.userId} from ${userRetirements} where ${userRetirements.originalUsername} = ${username})`;
  const [retirement, rows] = await db.batch([
    db.select().from(userRetirements).where(eq(userRetirements.originalUsername, username)),
    db
      .select({ courseId: enrollments.courseId, isActive: enrollments.isActive, org: courseRuns.org })
      .from(enrollments)
      .leftJoin(courseRuns, eq(courseRuns.id, enrollments.courseId))
      .where(eq(enrollments.userId, retiredUserId)),
  ]);
  return { retirement: retirement[0] ?? null, enrollments: rows };
}
