// The event log and its webhook delivery (docs/events.md). Rows of `events` are written only by the
// SQLite triggers of migrations/0005 (docs/events.md#how-events-are-written): each fires inside the
// statement that changes an enrollment, cohort membership, program (course) enrollment or outbox row,
// so an event commits with its change or not at all, and no writer can forget one.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { bool, millis, timestamps } from './columns';

/** A random RFC 4122 version-4 UUID, as a column default. */
const UUID_V4 = sql`(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4'
  || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1)
  || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))`;

/** The database's clock in epoch milliseconds: the time the change is written. */
const NOW_MILLIS = sql`(cast(round(unixepoch('subsec') * 1000) as integer))`;

export const events = sqliteTable(
  'events',
  {
    /** AUTOINCREMENT: strictly increasing in commit order, never reused after a purge. */
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique().default(UUID_V4),
    type: text('type').notNull(),
    subject: text('subject').notNull(),
    time: millis('time').notNull().default(NOW_MILLIS),
    /** Feed filters: the course run of course, cohort and program-course events; the learner. */
    courseKey: text('course_key'),
    username: text('username'),
    /** The envelope's `data`, JSON built by the trigger from the rows as they are after the change. */
    data: text('data').notNull(),
    /** When the dispatcher fanned the event out to the subscriptions; null until then. */
    dispatchedAt: millis('dispatched_at'),
  },
  (t) => [
    index('events_type_seq_idx').on(t.type, t.seq),
    index('events_course_seq_idx').on(t.courseKey, t.seq),
    index('events_username_seq_idx').on(t.username, t.seq),
    index('events_time_idx').on(t.time),
    index('events_undispatched_idx').on(t.seq).where(sql`dispatched_at is null`),
  ],
);

export const webhookSubscriptions = sqliteTable('webhook_subscriptions', {
  name: text('name').primaryKey(),
  url: text('url').notNull(),
  /** JSON array: `["*"]` or event types. */
  eventTypes: text('event_types', { mode: 'json' }).$type<string[]>().notNull(),
  enabled: bool('enabled').notNull(),
  secret: text('secret').notNull(),
  /** The subscription receives events with a greater `seq` (the log's end when created or enabled). */
  fromSeq: integer('from_seq').notNull(),
  ...timestamps(),
});

export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    subscriptionName: text('subscription_name')
      .notNull()
      .references(() => webhookSubscriptions.name, { onDelete: 'cascade' }),
    seq: integer('seq')
      .notNull()
      .references(() => events.seq, { onDelete: 'cascade' }),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    nextAttemptAt: millis('next_attempt_at'),
    deliveredAt: millis('delivered_at'),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.subscriptionName, t.seq] }),
    index('webhook_deliveries_seq_idx').on(t.seq),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
  ],
);
