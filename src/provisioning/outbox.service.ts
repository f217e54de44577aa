import type { Deps } from '../context';
import { formatDateTime } from '../lib/datetime';
import { DEFAULT_AUDIT_LIMIT } from './audit.service';
import { listOutbox } from './outbox.repo';

/** Notification e-mails the service queued (docs/api/bulk-enroll.md#notifications), newest first. One round trip. */
export async function listQueuedMessages(deps: Deps, filters: { to?: string; course_id?: string; limit?: number }) {
  const rows = await listOutbox(deps.db, {
    to: filters.to,
    courseId: filters.course_id,
    limit: filters.limit ?? DEFAULT_AUDIT_LIMIT,
  });
  return {
    results: rows.map((row) => ({
      to: row.to,
      kind: row.kind,
      course_id: row.courseId,
      subject: row.subject,
      body: row.body,
      created: formatDateTime(row.created) as string,
    })),
  };
}
