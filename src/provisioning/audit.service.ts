import type { Deps } from '../context';
import { formatDateTime } from '../lib/datetime';
import { listAudit } from './audit.repo';

export const DEFAULT_AUDIT_LIMIT = 100;

/**
 * Manual-enrollment audit records (docs/api/bulk-enroll.md#audit), newest first. `email` matches the stored
 * working e-mail exactly. One round trip.
 */
export async function listManualEnrollments(
  deps: Deps,
  filters: { course_id?: string; email?: string; limit?: number },
) {
  const rows = await listAudit(deps.db, {
    courseId: filters.course_id,
    email: filters.email,
    limit: filters.limit ?? DEFAULT_AUDIT_LIMIT,
  });
  return {
    results: rows.map((row) => ({
      course_id: row.courseId,
      enrolled_email: row.enrolledEmail,
      enrolled_by: row.enrolledBy,
      time_stamp: formatDateTime(row.timeStamp) as string,
      state_transition: row.stateTransition,
      reason: row.reason,
      role: row.role,
    })),
  };
}
