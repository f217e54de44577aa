import { placeManyInCohorts, preassignToCohorts } from '../cohorts/memberships.repo';
import type { Statement } from '../db/batch';
import type { Db } from '../db/client';
import { deleteAllowances, upsertAllowances } from '../enrollments/allowances.repo';
import { auditPlannedTransitions, bulkEnrollmentWrites } from '../enrollments/bulk-writes.repo';
import type { AuditOrigin } from '../enrollments/enrollment-writes.repo';
import { ENROLLMENT_STATE, type EnrollmentState } from '../enrollments/transitions';
import type { BulkAction, CoursePlan } from './bulk.plan';
import { type QueuedMessage, queueMessages } from './notifications.repo';

/** One course's planned changes, ready to write. */
export interface CourseWrites extends Pick<CoursePlan, 'activate' | 'deactivate' | 'allowanceUpserts' | 'audits'> {
  courseId: string;
  defaultMode: string;
  allowanceDeletes: string[];
  memberships: { userId: number; cohortId: number }[];
  preassignments: { email: string; cohortId: number }[];
  messages: QueuedMessage[];
}

const TARGET_STATE: Record<BulkAction, EnrollmentState> = {
  enroll: ENROLLMENT_STATE.enrolled,
  unenroll: ENROLLMENT_STATE.unenrolled,
};

/**
 * One course's changes as statements for the request's atomic `db.batch`, each written by the
 * table's owner: the audit records first (they read the state they replace), then enrollments,
 * allowances, cohorts and the outbox.
 */
export function courseWriteStatements(db: Db, w: CourseWrites, origin: AuditOrigin): Statement[] {
  return [
    ...auditPlannedTransitions(
      db,
      w.courseId,
      w.audits.map((a) => ({ ...a, derive: a.derive ? TARGET_STATE[a.derive] : null })),
      origin,
    ),
    ...bulkEnrollmentWrites(
      db,
      { courseId: w.courseId, mode: w.defaultMode, activate: w.activate, deactivate: w.deactivate },
      origin,
    ),
    ...upsertAllowances(db, w.courseId, w.allowanceUpserts, origin.now),
    ...deleteAllowances(db, w.courseId, w.allowanceDeletes),
    ...placeManyInCohorts(db, w.courseId, w.memberships),
    ...preassignToCohorts(db, w.courseId, w.preassignments),
    ...queueMessages(db, w.courseId, w.messages, origin.now),
  ];
}
