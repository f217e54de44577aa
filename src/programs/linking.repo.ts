import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { inJsonList } from '../db/json-list';
import {
  catalogPrograms,
  enrollments,
  organizations,
  programCourseEnrollments,
  programEnrollments,
  userExternalIds,
  users,
} from '../db/schema';
import { activeThroughPrograms } from './held-elsewhere.repo';

// SSO links and the waiting enrollments a new link realises (docs/api/programs.md#realisation).

/**
 * Everything linking (user, provider slug, key) decides on, in ONE round trip: the user, its current
 * key for the provider, who else holds the key, the waiting program enrollments of the key in
 * programs owned by the provider's organization (flagged when the user is already enrolled in the
 * program), their program-course enrollments, and the user's state in those runs.
 */
export async function loadLinkContext(db: Db, username: string, slug: string, key: string) {
  const userId = sql`(select u.id from ${users} u where u.username = ${username})`;
  const waiting = sql`(select pe.id from ${programEnrollments} pe
    join ${catalogPrograms} p on p.uuid = pe.program_uuid
    join ${organizations} o on o.short_name = p.owning_org
    where o.sso_provider_slug = ${slug} and pe.external_user_key = ${key} and pe.user_id is null)`;
  const runs = sql`(select r.course_key from ${programCourseEnrollments} r where r.program_enrollment_id in ${waiting})`;
  const [user, mine, holder, parents, rows, current, activeRows, heldByActive] = await db.batch([
    db.select({ id: users.id, email: users.email }).from(users).where(eq(users.username, username)),
    db
      .select({ key: userExternalIds.externalUserKey })
      .from(userExternalIds)
      .where(and(eq(userExternalIds.userId, userId), eq(userExternalIds.providerSlug, slug))),
    db
      .select({ userId: userExternalIds.userId })
      .from(userExternalIds)
      .where(and(eq(userExternalIds.providerSlug, slug), eq(userExternalIds.externalUserKey, key))),
    db
      .select({
        id: programEnrollments.id,
        userEnrolled: sql<number>`exists (select 1 from ${programEnrollments} other
          where other.program_uuid = "program_enrollments"."program_uuid" and other.user_id = ${userId})`.as(
          'user_enrolled',
        ),
      })
      .from(programEnrollments)
      .where(inArray(programEnrollments.id, waiting)),
    db
      .select({
        id: programCourseEnrollments.id,
        programEnrollmentId: programCourseEnrollments.programEnrollmentId,
        courseKey: programCourseEnrollments.courseKey,
        status: programCourseEnrollments.status,
        runExists: sql<number>`exists (select 1 from course_runs c
          where c.id = "program_course_enrollments"."course_key")`.as('run_exists'),
        pendingStaff: sql<number>`exists (select 1 from pending_course_roles pr
          where pr.program_course_enrollment_id = "program_course_enrollments"."id")`.as('pending_staff'),
      })
      .from(programCourseEnrollments)
      .where(inArray(programCourseEnrollments.programEnrollmentId, waiting)),
    db
      .select({ courseId: enrollments.courseId, mode: enrollments.mode, isActive: enrollments.isActive })
      .from(enrollments)
      .where(and(eq(enrollments.userId, userId), inArray(enrollments.courseId, runs))),
    ...activeThroughPrograms(db, { userIds: userId, courseIds: runs }),
  ]);
  return {
    user: user[0] ?? null,
    currentKey: mine[0]?.key ?? null,
    keyHolder: holder[0]?.userId ?? null,
    parents,
    rows,
    current,
    heldElsewhere: new Set([...activeRows, ...heldByActive].map((r) => r.courseKey)),
  };
}

/** Creates the (user, provider) link or points it at a new key. */
export const upsertLink = (db: Db, userId: number, slug: string, key: string, now: number) =>
  db
    .insert(userExternalIds)
    .values({ userId, providerSlug: slug, externalUserKey: key, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [userExternalIds.userId, userExternalIds.providerSlug],
      set: { externalUserKey: key, updatedAt: now },
    });

/** Gives waiting program enrollments their user (one statement). */
export const realiseProgramEnrollments = (db: Db, ids: number[], userId: number, now: number) =>
  db
    .update(programEnrollments)
    .set({ userId, updatedAt: now })
    .where(and(inJsonList(programEnrollments.id, ids), isNull(programEnrollments.userId)));
