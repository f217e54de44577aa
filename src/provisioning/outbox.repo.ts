import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { outbox } from '../db/schema';

/** Queued notification e-mails, newest first; served by the recipient / course indexes. */
export function listOutbox(db: Db, filters: { to?: string; courseId?: string; limit: number }) {
  const conditions: SQL[] = [];
  if (filters.to !== undefined) conditions.push(eq(outbox.to, filters.to));
  if (filters.courseId !== undefined) conditions.push(eq(outbox.courseId, filters.courseId));
  return db
    .select()
    .from(outbox)
    .where(and(...conditions))
    .orderBy(desc(outbox.id))
    .limit(filters.limit);
}
