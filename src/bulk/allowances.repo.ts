import { and, eq, sql } from 'drizzle-orm';
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
} from '../db/schema';

// Realising "allowed" enrollments when an account becomes usable (bulk-enroll.md §8), as statements
// for one atomic batch: the number of allowances never changes the number of round trips.

export interface UsableAccount {
  id: number;
  email: string;
}

/** The allowances this account may realise: auto_enroll, not consumed by another account, course provisioned. */
const realisable = (user: UsableAccount) =>
  sql`from ${enrollmentAllowances} a
    where a.email = ${user.email} and a.auto_enroll = 1 and (a.user_id is null or a.user_id = ${user.id})
      and a.course_id in (select ${courseRuns.id} from ${courseRuns})`;

/** §4 default mode in SQL: a current audit mode, else a current honor mode, else audit. */
const defaultModeOf = (courseId: ReturnType<typeof sql>, now: number) => {
  const current = (slug: string) =>
    sql`(select m.slug from ${courseModes} m where m.course_id = ${courseId} and m.slug = ${slug}
      and (m.expiration_at is null or m.expiration_at >= ${now}))`;
  return sql`coalesce(${current('audit')}, ${current('honor')}, 'audit')`;
};

export function realiseAllowanceStatements(db: Db, user: UsableAccount, now: number) {
  const notYetActive = sql`not exists (select 1 from ${enrollments} e
    where e.user_id = ${user.id} and e.course_id = a.course_id and e.is_active = 1)`;
  const latestAudit = (column: string) =>
    sql`(select ${sql.raw(column)} from ${enrollmentAudit} p where p.enrolled_email = ${user.email} order by p.id desc limit 1)`;
  return [
    // Audit first: it sees which enrollments are about to be created. Only when an earlier record
    // exists for the e-mail, copying its actor and reason.
    insertFromSelect(
      db,
      enrollmentAudit,
      {
        id: null,
        courseId: sql`a.course_id`,
        enrolledEmail: user.email,
        enrolledBy: latestAudit('enrolled_by'),
        timeStamp: now,
        stateTransition: 'from allowed to enroll to enrolled',
        reason: latestAudit('reason'),
        role: null,
        enrollmentId: null,
        userId: user.id,
        source: 'allowance',
        requestedMode: null,
        requestedIsActive: null,
        actualMode: defaultModeOf(sql`a.course_id`, now),
        actualIsActive: 1,
      },
      sql`${realisable(user)} and ${notYetActive}
        and exists (select 1 from ${enrollmentAudit} p where p.enrolled_email = ${user.email})`,
    ),
    insertFromSelect(
      db,
      enrollments,
      {
        id: null,
        userId: user.id,
        courseId: sql`a.course_id`,
        mode: defaultModeOf(sql`a.course_id`, now),
        isActive: 1,
        createdAt: now,
        updatedAt: now,
      },
      realisable(user),
    ).onConflictDoUpdate({
      target: [enrollments.userId, enrollments.courseId],
      set: { isActive: true, mode: sql`excluded.mode`, updatedAt: now },
      setWhere: sql`${enrollments.isActive} = 0`,
    }),
    db
      .update(enrollmentAudit)
      .set({
        // Qualified by hand: Drizzle would print a bare `course_id`, which binds to `e` inside the subquery.
        enrollmentId: sql`(select e.id from ${enrollments} e where e.user_id = ${user.id} and e.course_id = "enrollment_audit"."course_id")`,
      })
      .where(
        and(
          eq(enrollmentAudit.userId, user.id),
          eq(enrollmentAudit.source, 'allowance'),
          sql`${enrollmentAudit.enrollmentId} is null`,
        ),
      ),
    // Pre-assigned cohorts of the courses now enrolled through an allowance (§6, §8).
    insertFromSelect(
      db,
      cohortMemberships,
      { courseId: sql`p.course_id`, userId: user.id, cohortId: sql`p.cohort_id` },
      sql`from ${cohortPreassignments} p
        where p.email = ${user.email} and p.course_id in (select a.course_id ${realisable(user)})`,
    ).onConflictDoNothing(),
    db
      .update(enrollmentAllowances)
      .set({ userId: user.id })
      .where(
        and(
          eq(enrollmentAllowances.email, user.email),
          eq(enrollmentAllowances.autoEnroll, true),
          sql`${enrollmentAllowances.userId} is null`,
          sql`${enrollmentAllowances.courseId} in (select ${courseRuns.id} from ${courseRuns})`,
        ),
      ),
  ] as const;
}
