// Asynchronous bulk enrollment jobs (docs/api/bulk-jobs.md): the job with its progress counters, its
// input stored once as identifier slices, and one results row per applied chunk. The results row
// is also the chunk's done marker: its primary key makes a second application of the same chunk
// fail its whole batch.
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { bool, millis } from './columns';

export const bulkJobs = sqliteTable(
  'bulk_jobs',
  {
    id: text('id').primaryKey(),
    /** The creator's username (the creator may read and cancel the job besides global staff). */
    createdBy: text('created_by').notNull(),
    status: text('status', { enum: ['queued', 'running', 'succeeded', 'failed', 'canceled'] }).notNull(),
    action: text('action', { enum: ['enroll', 'unenroll'] }).notNull(),
    dryRun: bool('dry_run').notNull(),
    autoEnroll: bool('auto_enroll').notNull(),
    emailStudents: bool('email_students').notNull(),
    reason: text('reason'),
    mode: text('mode'),
    /** JSON: the course ids as sent, in order (a course listed twice is processed twice). */
    courses: text('courses', { mode: 'json' }).$type<string[]>().notNull(),
    /** JSON: the cohort paired with each course (by position), or null. */
    cohorts: text('cohorts', { mode: 'json' }).$type<{ id: number; name: string }[] | null>(),
    /** Identifier slices stored; chunk k applies slice k % slices to course floor(k / slices). */
    slices: integer('slices').notNull(),
    chunks: integer('chunks').notNull(),
    /** The next chunk to apply: chunks are applied in order, one at a time. */
    nextChunk: integer('next_chunk').notNull().default(0),
    total: integer('total').notNull(),
    processed: integer('processed').notNull().default(0),
    enrolled: integer('enrolled').notNull().default(0),
    unenrolled: integer('unenrolled').notNull().default(0),
    allowed: integer('allowed').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    invalid: integer('invalid').notNull().default(0),
    error: text('error'),
    created: millis('created').notNull(),
    started: millis('started'),
    finished: millis('finished'),
    /** Last progress (or re-send by the sweep): a job still unfinished long after it is stalled. */
    touchedAt: millis('touched_at').notNull(),
  },
  (t) => [index('bulk_jobs_unfinished_idx').on(t.status, t.touchedAt)],
);

export const bulkJobChunks = sqliteTable(
  'bulk_job_chunks',
  {
    jobId: text('job_id').notNull(),
    idx: integer('idx').notNull(),
    /** JSON array of the slice's identifiers, in request order. */
    identifiers: text('identifiers').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.idx] })],
);

export const bulkJobResults = sqliteTable(
  'bulk_job_results',
  {
    jobId: text('job_id').notNull(),
    /** The chunk's index: unique, so the row doubles as the chunk's done marker. */
    idx: integer('idx').notNull(),
    /** Position of the chunk's first pair among all of the job's results. */
    firstPos: integer('first_pos').notNull(),
    pairs: integer('pairs').notNull(),
    courseId: text('course_id').notNull(),
    /** JSON array of compact results (jobs.results.ts). */
    results: text('results').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.idx] }), index('bulk_job_results_pos_idx').on(t.jobId, t.firstPos)],
);
