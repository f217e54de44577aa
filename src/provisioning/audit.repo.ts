import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { enrollmentAudit } from '../db/schema';

export interface AuditFilters {
  courseId?: string;
  email?: string;
  limit: number;
}

/** Audit records, newest first (time stamp, then insertion order). Served by the course / e-mail indexes. */
export function listAudit(db: Db, filters: AuditFilters) {
  const conditions: SQL[] = [];
  if (filters.courseId !== undefined) conditions.push(eq(enrollmentAudit.courseId, filters.courseId));
  if (filters.email !== undefined) conditions.push(eq(enrollmentAudit.enrolledEmail, filters.email));
  return db
    .select({
      courseId: enrollmentAudit.courseId,
      enrolledEmail: enrollmentAudit.enrolledEmail,
      enrolledBy: enrollmentAudit.enrolledBy,
      timeStamp: enrollmentAudit.timeStamp,
      stateTransition: enrollmentAudit.stateTransition,
      reason: enrollmentAudit.reason,
      role: enrollmentAudit.role,
    })
    .from(enrollmentAudit)
    .where(and(...conditions))
    .orderBy(desc(enrollmentAudit.timeStamp), desc(enrollmentAudit.id))
    .limit(filters.limit);
}
