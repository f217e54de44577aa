import { and, eq, sql } from 'drizzle-orm';
import type { Statement } from '../db/batch';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { inJsonList } from '../db/json-list';
import { jsonField, jsonPieces, jsonRows } from '../db/json-rows';
import { enrollmentAllowances, enrollmentAudit, enrollments } from '../db/schema';
import {
  type AuditOrigin,
  attachAuditToEnrollments,
  auditColumns,
  changeColumns,
  stateSql,
  transitionSql,
} from './enrollment-writes.repo';
import type { EnrollmentState } from './transitions';

// Bulk enrollment's writes to enrollments and their audit (docs/api/bulk-enroll.md): activations
// and deactivations of many learners in one course, and one audit record per identifier, some for
// e-mails without an account yet. Statements for the caller's atomic batch.

/**
 * One identifier's audit record. With `derive`, the record's "from" state is read inside the
 * batch (so it stays true when a concurrent request changed the learner after the plan read) and
 * `derive` is its target state; without it, `transition` is written as planned.
 */
export interface PlannedAudit {
  email: string;
  userId: number | null;
  transition: string;
  derive: EnrollmentState | null;
}

/** The identifiers' audit records; run them before this course's writes in the batch. */
export function auditPlannedTransitions(
  db: Db,
  courseId: string,
  audits: readonly PlannedAudit[],
  origin: AuditOrigin,
) {
  const userId = jsonField('userId');
  const active = sql`exists (select 1 from ${enrollments} e
    where e.user_id = ${userId} and e.course_id = ${courseId} and e.is_active = 1)`;
  const allowed = sql`exists (select 1 from ${enrollmentAllowances} a
    where a.email = ${jsonField('email')} and a.course_id = ${courseId}
      and (${userId} is null or a.user_id is null or a.user_id = ${userId}))`;
  const derived = transitionSql(stateSql(active, allowed), jsonField('derive'));
  return jsonPieces(audits).map((piece) =>
    insertFromSelect(
      db,
      enrollmentAudit,
      {
        ...auditColumns(origin),
        courseId,
        enrolledEmail: jsonField('email'),
        stateTransition: sql`case when ${jsonField('derive')} is null then ${jsonField('transition')} else ${derived} end`,
        enrollmentId: null,
        userId,
      },
      sql`from ${jsonRows(piece)} where true`,
    ),
  );
}

/**
 * Activates the learners (a row not active at write time gets `mode`; an active one keeps its mode)
 * and deactivates others (a no-op where nothing is active), then points this request's records of
 * the course at their enrollments.
 */
export function bulkEnrollmentWrites(
  db: Db,
  w: { courseId: string; mode: string; activate: readonly number[]; deactivate: readonly number[] },
  origin: AuditOrigin,
): Statement[] {
  const activations = jsonPieces(w.activate).map((piece) =>
    insertFromSelect(
      db,
      enrollments,
      {
        id: null,
        userId: sql`j.value`,
        courseId: w.courseId,
        mode: w.mode,
        isActive: 1,
        createdAt: origin.now,
        ...changeColumns(origin),
      },
      sql`from ${jsonRows(piece)} where true`,
    ).onConflictDoUpdate({
      target: [enrollments.userId, enrollments.courseId],
      set: { isActive: true, mode: w.mode, ...changeColumns(origin) },
      setWhere: sql`${enrollments.isActive} = 0`,
    }),
  );
  const deactivations = jsonPieces(w.deactivate).map((piece) =>
    db
      .update(enrollments)
      .set({ isActive: false, ...changeColumns(origin) })
      .where(
        and(
          eq(enrollments.courseId, w.courseId),
          eq(enrollments.isActive, true),
          inJsonList(enrollments.userId, piece),
        ),
      ),
  );
  const attach = attachAuditToEnrollments(
    db,
    and(
      eq(enrollmentAudit.source, origin.source),
      eq(enrollmentAudit.courseId, w.courseId),
      eq(enrollmentAudit.timeStamp, origin.now),
    ),
  );
  return [...activations, ...deactivations, attach];
}
