import { and, isNull, type SQL, sql } from 'drizzle-orm';
import type { Db } from './client';
import { enrollmentAudit, enrollments } from './schema';

/**
 * Points audit records written before their enrollment existed (earlier in the same batch) at it.
 * `which` narrows the records (by source, user, course…). The correlated columns are qualified by
 * hand: Drizzle prints them bare, and inside the subquery they would bind to `e`.
 */
export const attachAuditToEnrollments = (db: Db, which: SQL | undefined) =>
  db
    .update(enrollmentAudit)
    .set({
      enrollmentId: sql`(select e.id from ${enrollments} e
        where e.user_id = "enrollment_audit"."user_id" and e.course_id = "enrollment_audit"."course_id")`,
    })
    .where(and(isNull(enrollmentAudit.enrollmentId), which));
