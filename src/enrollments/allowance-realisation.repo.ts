import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { joinPreassignedCohorts } from '../cohorts/memberships.repo';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { courseRuns, enrollmentAllowances, enrollmentAudit, enrollments, users } from '../db/schema';
import {
  type AuditOrigin,
  attachAuditToEnrollments,
  auditColumns,
  changeColumns,
  defaultModeSql,
  transitionSql,
} from './enrollment-writes.repo';
import { ENROLLMENT_STATE } from './transitions';

// Realising "allowed" enrollments when an account becomes usable (docs/api/bulk-enroll.md#allowances).
// The statements go at the end of the batch that writes the user, so creating or updating a user
// stays ONE round trip: each does something only while the account is active and its
// `allowances_realised_for` marker differs from its e-mail (created active, activated, or a new
// e-mail while active). The users domain appends the statement that sets the marker.

/** The account, while it has allowances to realise: a subquery with `id` and `email`. */
const pendingAccount = (username: string) =>
  sql`(select u.id, u.email from ${users} u where u.username = ${username} and u.is_active = 1
    and (u.allowances_realised_for is null or u.allowances_realised_for != u.email))`;

export function realiseAllowanceStatements(db: Db, username: string, now: number) {
  const account = pendingAccount(username);
  // The allowances this account realises: auto_enroll, not consumed by another account, course provisioned.
  const realisable = sql`from ${enrollmentAllowances} a join ${account} acc on a.email = acc.email
    where a.auto_enroll = 1 and (a.user_id is null or a.user_id = acc.id)
      and a.course_id in (select c.id from ${courseRuns} c)`;
  const latestAudit = (column: string) =>
    sql`(select p.${sql.raw(column)} from ${enrollmentAudit} p where p.enrolled_email = acc.email order by p.id desc limit 1)`;
  const origin: AuditOrigin = { source: 'allowance', actor: null, reason: null, now };
  const mode = defaultModeSql(sql`a.course_id`, now);
  return [
    // Audit first, while it can still see which enrollments are about to be created; only when an
    // earlier record exists for the e-mail, copying its actor and reason.
    insertFromSelect(
      db,
      enrollmentAudit,
      {
        ...auditColumns(origin),
        courseId: sql`a.course_id`,
        enrolledEmail: sql`acc.email`,
        enrolledBy: latestAudit('enrolled_by'),
        stateTransition: transitionSql(sql`${ENROLLMENT_STATE.allowed}`, ENROLLMENT_STATE.enrolled),
        reason: latestAudit('reason'),
        enrollmentId: null,
        userId: sql`acc.id`,
        actualMode: mode,
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
        mode,
        isActive: 1,
        createdAt: now,
        ...changeColumns(origin),
      },
      realisable,
    ).onConflictDoUpdate({
      target: [enrollments.userId, enrollments.courseId],
      set: { isActive: true, mode: sql`excluded.mode`, ...changeColumns(origin) },
      setWhere: sql`${enrollments.isActive} = 0`,
    }),
    attachAuditToEnrollments(
      db,
      and(
        eq(enrollmentAudit.source, origin.source),
        eq(enrollmentAudit.userId, sql`(select u.id from ${users} u where u.username = ${username})`),
      ),
    ),
    joinPreassignedCohorts(db, account, sql`(select a.course_id ${realisable})`),
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
  ] as const;
}
