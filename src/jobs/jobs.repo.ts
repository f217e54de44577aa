import { and, asc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Statement } from '../db/batch';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { jsonPieces, jsonRows } from '../db/json-rows';
import { bulkJobChunks, bulkJobResults, bulkJobs } from '../db/schema';
import type { Counts } from './jobs.plan';

// The only writer of bulk_jobs, bulk_job_chunks and bulk_job_results. Reads return rows; writes
// return statements for the caller's batch.

export type JobRow = typeof bulkJobs.$inferSelect;
export type NewJob = typeof bulkJobs.$inferInsert;

const UNFINISHED = ['queued', 'running'] as const;

/**
 * The stored slices of a new job: each statement binds a run of slices as ONE JSON parameter
 * (≤ 256 KB, db/json-rows.ts) and inserts a row per slice, so a 32 MiB body is ~130 statements.
 */
export function insertSlices(db: Db, jobId: string, slices: readonly string[][]): Statement[] {
  let offset = 0;
  return jsonPieces(slices).map((piece) => {
    const statement = insertFromSelect(
      db,
      bulkJobChunks,
      { jobId, idx: sql`j.key + ${offset}`, identifiers: sql`j.value` },
      sql`from ${jsonRows(piece)} where true`,
    );
    offset += piece.length;
    return statement;
  });
}

export const insertJob = (db: Db, job: NewJob) => db.insert(bulkJobs).values(job);

export const jobById = (db: Db, id: string) => db.select().from(bulkJobs).where(eq(bulkJobs.id, id));

/** The job and the stored slice chunk `chunk` applies (`chunk % slices`), in one round trip. */
export async function readChunkInput(db: Db, jobId: string, chunk: number) {
  const slices = db.select({ slices: bulkJobs.slices }).from(bulkJobs).where(eq(bulkJobs.id, jobId));
  const [jobs, rows] = await db.batch([
    jobById(db, jobId),
    db
      .select({ identifiers: bulkJobChunks.identifiers })
      .from(bulkJobChunks)
      .where(and(eq(bulkJobChunks.jobId, jobId), eq(bulkJobChunks.idx, sql`${chunk} % (${slices})`))),
  ]);
  const identifiers = rows[0]?.identifiers;
  return { job: jobs[0] ?? null, identifiers: identifiers ? (JSON.parse(identifiers) as string[]) : null };
}

export interface ChunkOutcome {
  jobId: string;
  chunk: number;
  courseId: string;
  pairs: number;
  counts: Counts;
  /** JSON of the chunk's stored results. */
  results: string;
  now: number;
}

/**
 * The chunk's results row — its done marker: a second insert for the same chunk violates the
 * primary key and fails the whole batch — then the job's progress. Put these first in the chunk's
 * batch. The row's position is the job's `processed` before the chunk, read inside the batch.
 */
export function recordChunk(db: Db, o: ChunkOutcome): Statement[] {
  const last = sql`${o.chunk + 1} >= ${bulkJobs.chunks}`;
  const unfinished = sql`${bulkJobs.status} in ('queued', 'running')`;
  const add = (column: SQLiteColumn, n: number) => sql`${column} + ${n}`;
  return [
    insertFromSelect(
      db,
      bulkJobResults,
      {
        jobId: sql`${bulkJobs.id}`,
        idx: o.chunk,
        firstPos: sql`${bulkJobs.processed}`,
        pairs: o.pairs,
        courseId: o.courseId,
        results: o.results,
      },
      sql`from ${bulkJobs} where ${bulkJobs.id} = ${o.jobId}`,
    ),
    db
      .update(bulkJobs)
      .set({
        processed: add(bulkJobs.processed, o.pairs),
        enrolled: add(bulkJobs.enrolled, o.counts.enrolled),
        unenrolled: add(bulkJobs.unenrolled, o.counts.unenrolled),
        allowed: add(bulkJobs.allowed, o.counts.allowed),
        unchanged: add(bulkJobs.unchanged, o.counts.unchanged),
        invalid: add(bulkJobs.invalid, o.counts.invalid),
        nextChunk: o.chunk + 1,
        // A canceled job keeps its status: the chunk already running commits and is counted.
        status: sql`case when ${unfinished} then (case when ${last} then 'succeeded' else 'running' end) else ${bulkJobs.status} end`,
        started: sql`coalesce(${bulkJobs.started}, ${o.now})`,
        finished: sql`case when ${unfinished} and ${last} then ${o.now} else ${bulkJobs.finished} end`,
        touchedAt: o.now,
      })
      .where(eq(bulkJobs.id, o.jobId)),
  ];
}

/** Whether an error is the chunk marker's primary key refusing a second application. */
export const isDuplicateChunk = (error: unknown) =>
  /UNIQUE constraint failed: bulk_job_results/i.test(String((error as Error)?.message ?? error));

/** Cancels an unfinished job (`createdBy`: only if it is theirs) and reads it back, in one round trip. */
export async function cancelJob(db: Db, id: string, createdBy: string | null, now: number) {
  const mine = createdBy === null ? undefined : eq(bulkJobs.createdBy, createdBy);
  const [, jobs] = await db.batch([
    db
      .update(bulkJobs)
      .set({ status: 'canceled', finished: now, touchedAt: now })
      .where(and(eq(bulkJobs.id, id), inArray(bulkJobs.status, [...UNFINISHED]), mine)),
    jobById(db, id),
  ]);
  return jobs[0] ?? null;
}

export const failJob = (db: Db, id: string, error: string, now: number) =>
  db
    .update(bulkJobs)
    .set({ status: 'failed', error, finished: now, touchedAt: now })
    .where(and(eq(bulkJobs.id, id), inArray(bulkJobs.status, [...UNFINISHED])));

/**
 * Unfinished jobs without progress since `before`, claimed until the next sweep (touched now):
 * their next chunk's message is re-sent.
 */
export const claimStalledJobs = (db: Db, before: number, now: number) =>
  db
    .update(bulkJobs)
    .set({ touchedAt: now })
    .where(and(inArray(bulkJobs.status, [...UNFINISHED]), lt(bulkJobs.touchedAt, before)))
    .returning({ id: bulkJobs.id, nextChunk: bulkJobs.nextChunk });

/** The job and the results rows overlapping positions [from, from + count), in one round trip. */
export async function readResultsPage(db: Db, id: string, from: number, count: number) {
  const [jobs, rows] = await db.batch([
    jobById(db, id),
    db
      .select({
        firstPos: bulkJobResults.firstPos,
        courseId: bulkJobResults.courseId,
        results: bulkJobResults.results,
      })
      .from(bulkJobResults)
      .where(
        and(
          eq(bulkJobResults.jobId, id),
          lt(bulkJobResults.firstPos, from + count),
          gt(sql`${bulkJobResults.firstPos} + ${bulkJobResults.pairs}`, from),
        ),
      )
      .orderBy(asc(bulkJobResults.firstPos)),
  ]);
  return { job: jobs[0] ?? null, rows };
}
