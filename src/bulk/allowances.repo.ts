import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { attachAuditToEnrollments } from '../db/audit-links';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import {
  cohortMemberships,
  cohortPreassignments,
  courseModes,
  courseRuns,
  enrollmentAllowances,
  enrollmentAudit,
  enrollments,
  users,
} from '../db/schema';

// Realising "allowed" enrollments when an account becomes usable (bulk-enroll.md §8). The
// statements go at the end of the batch that writes the user, so creating or updating a user
// stays ONE round trip: each statement does something only while the account is active and its
// `allowances_realised_for` marker differs from its e-mail (created active, activated, or a new
// e-mail while active); the last one sets the marker.

/** §4 default mode in SQL: a current audit mode, else a current honor mode, else audit. */
const defaultModeOf = (now: number) => {
  const current = (slug: string) =>
    sql`(select m.slug from ${courseModes} m where m.course_id = a.course_id and m.slug = ${slug}
      and (m.expiration_at is null or m.expiration_at >= ${now}))`;
  return sql`coalesce(${current('audit')}, ${current('honor')}, 'audit')`;
};

export function realiseAllowanceStatements(db: Db, username: string, now: number) {
  const account = sql`(select u.id, u.email from ${users} u where u.username = ${username} and u.is_active = 1
    and (u.allowances_realised_for is null or u.allowances_realised_for != u.email))`;
  // The allowances this account realises: auto_enroll, not consumed by another account, course provisioned.
  const realisable = sql`from ${enrollmentAllowances} a join ${account} acc on a.email = acc.email
    where a.auto_enroll = 1 and (a.user_id is null or a.user_id = acc.id)
      and a.course_id in (select c.id from ${courseRuns} c)`;
  const latestAudit = (column: string) =>
    sql`(select p.${sql.raw(column)} from ${enrollmentAudit} p where p.enrolled_email = acc.email order by p.id desc limit 1)`;
  return [
    // Audit first, while it can still see which enrollments are about to be created; only when an
    // earlier record exists for the e-mail, copying its actor and reason.
    insertFromSelect(
      db,
      enrollmentAudit,
      {
        id: null,
        courseId: sql`a.course_id`,
        enrolledEmail: sql`acc.email`,
        enrolledBy: latestAudit('enrolled_by'),
        timeStamp: now,
        stateTransition: 'from allowed to enroll to enrolled',
        reason: latestAudit('reason'),
        role: null,
        enrollmentId: null,
        userId: sql`acc.id`,
        source: 'allowance',
        requestedMode: null,
        requestedIsActive: null,
        actualMode: defaultModeOf(now),
        actualIsActive: 1,
      },
      sql`${realisable}
        and not exists (select 1 from ${enrollments} e where e.user_id = acc.id and e.course_id = a.course_id and e.is_active = 1)
        and exists (select 1 from ${enrollmentAudit} p where p.enrolled_email = acc.email)`,
    ),
    insertFromSelect(
      db,
      enrollments,
      {
        id: null,
        userId: sql`acc.id`,
        courseId: sql`a.course_id`,
        mode: defaultModeOf(now),
        isActive: 1,
        createdAt: now,
        updatedAt: now,
      },
      realisable,
    ).onConflictDoUpdate({
      target: [enrollments.userId, enrollments.courseId],
      set: { isActive: true, mode: sql`excluded.mode`, updatedAt: now },
      setWhere: sql`${enrollments.isActive} = 0`,
    }),
    attachAuditToEnrollments(
      db,
      and(
        eq(enrollmentAudit.source, 'allowance'),
        eq(enrollmentAudit.userId, sql`(select u.id from ${users} u where u.username = ${username})`),
      ),
    ),
    // Pre-assigned cohorts of the courses now enrolled through an allowance (§6, §8).
    insertFromSelect(
      db,
      cohortMemberships,
      { courseId: sql`p.course_id`, userId: sql`acc.id`, cohortId: sql`p.cohort_id` },
      sql`from ${cohortPreassignments} p join ${account} acc on p.email = acc.email
        where p.course_id in (select a.course_id ${realisable})`,
    ).onConflictDoNothing(),
    db
      .update(enrollmentAllowances)
      .set({ userId: sql`(select acc.id from ${account} acc)` })
      .where(
        and(
          eq(enrollmentAllowances.email, sql`(select acc.email from ${account} acc)`),
          eq(enrollmentAllowances.autoEnroll, true),
          isNull(enrollmentAllowances.userId),
          inArray(enrollmentAllowances.courseId, sql`(select c.id from ${courseRuns} c)`),
        ),
      ),
    db
      .update(users)
      .set({ allowancesRealisedFor: sql`${users.email}` })
      .where(and(eq(users.username, username), eq(users.isActive, true))),
  ] as const;
}
