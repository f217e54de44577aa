import { and, asc, eq, gt, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { events } from '../db/schema';
import type { StoredEvent } from './envelope';
import { storedEventColumns } from './log.repo';

/** What a feed page selects: `seq > after` and every given filter. */
export interface FeedFilter {
  after: number;
  /** Rows to read: the page plus one, which tells whether more exist. */
  rows: number;
  types?: readonly string[];
  courseKey?: string;
  username?: string;
}

/**
 * The page query (docs/events.md#feed): the matching events in `seq` order, with the log's oldest
 * `seq` beside them. The one-row aggregate is on the left of the join so an empty page still
 * carries it; `min(seq)` of the primary key is a single b-tree probe, and the page is a range of
 * `seq` in the filter's index (events_type_seq_idx, events_course_seq_idx, events_username_seq_idx),
 * so the cost follows the page, not the log. Several types are one `in (…)`: SQLite then reads those
 * types' rows after `after` and sorts them, which stays small for a consumer that keeps up.
 */
export function feedPageQuery(db: Db, filter: FeedFilter) {
  const conditions: SQL[] = [gt(events.seq, filter.after)];
  const types = filter.types ?? [];
  if (types.length === 1) conditions.push(eq(events.type, types[0] as string));
  if (types.length > 1) conditions.push(inArray(events.type, [...types]));
  if (filter.courseKey !== undefined) conditions.push(eq(events.courseKey, filter.courseKey));
  if (filter.username !== undefined) conditions.push(eq(events.username, filter.username));
  const page = db
    .select(storedEventColumns)
    .from(events)
    .where(and(...conditions))
    .orderBy(asc(events.seq))
    .limit(filter.rows)
    .as('page');
  const log = db
    .select({ oldest: sql<number | null>`min(${events.seq})`.as('oldest') })
    .from(events)
    .as('log');
  return db
    .select({
      oldest: log.oldest,
      seq: page.seq,
      id: page.id,
      type: page.type,
      subject: page.subject,
      time: page.time,
      data: page.data,
    })
    .from(log)
    .leftJoin(page, sql`true`)
    .orderBy(asc(page.seq));
}

export interface FeedPage {
  events: StoredEvent[];
  /** The smallest `seq` still in the log; null while the log is empty. */
  oldest: number | null;
}

/** One feed page in ONE round trip (docs/events.md#feed). */
export async function readFeedPage(db: Db, filter: FeedFilter): Promise<FeedPage> {
  const rows = await feedPageQuery(db, filter);
  const found: StoredEvent[] = [];
  for (const { oldest: _, ...event } of rows) if (event.seq !== null) found.push(event as StoredEvent);
  return { events: found, oldest: rows[0]?.oldest ?? null };
}
