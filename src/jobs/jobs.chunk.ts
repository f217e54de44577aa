import { loadBulkState } from '../bulk/bulk.repo';
import { bulkOrigin, coursePasses } from '../bulk/bulk.service';
import type { Config } from '../config';
import { runBatch } from '../db/batch';
import type { Db, DbMetrics } from '../db/client';
import { echo } from '../lib/echo';
import { chunkAddress, countResults, storeResult } from './jobs.plan';
import { failJob, isDuplicateChunk, type JobRow, readChunkInput, recordChunk } from './jobs.repo';
import type { JobsMessage } from './jobs.service';

// One chunk of a job, applied exactly once (docs/api/bulk-jobs.md#exactly-once): three D1 round
// trips — the job and the chunk's slice, the state the sync endpoint reads for those identifiers in
// that course, then ONE batch with the chunk's marker, the job's progress and every write of the
// sync endpoint's plan (enrollments, allowances, audit, cohorts, outbox). A redelivered message
// finds the job past its chunk and does nothing; two concurrent deliveries both plan, and the
// marker's primary key fails the second batch whole.

export interface JobContext {
  db: Db;
  config: Config;
  metrics: DbMetrics;
  now: () => number;
  queue: Pick<Queue<JobsMessage>, 'send' | 'sendBatch'>;
}

export type ChunkResult = 'applied' | 'already_applied' | 'stopped' | 'missing' | 'failed';

/** A failure that retrying cannot mend (a course or cohort gone since validation): the job fails. */
class JobFailure extends Error {}

export async function applyChunk(ctx: JobContext, jobId: string, chunk: number): Promise<ChunkResult> {
  const { job, identifiers, course } = await chunkInput(ctx, jobId, chunk);
  if (!job) return 'missing';
  if (job.nextChunk > chunk) return 'already_applied';
  if (job.status !== 'queued' && job.status !== 'running') return 'stopped';
  // Only the next chunk applies: chunks go in order, so a later one waits for its predecessor.
  if (job.nextChunk !== chunk || !identifiers || !course) return 'missing';
  try {
    await commitChunk(ctx, job, chunk, identifiers, course);
  } catch (error) {
    if (isDuplicateChunk(error)) return 'already_applied';
    if (!(error instanceof JobFailure)) throw error;
    await runBatch(ctx.db, [failJob(ctx.db, jobId, error.message, ctx.now())]);
    return 'failed';
  }
  // Only the delivery that committed sends the next chunk: duplicates never multiply.
  if (chunk + 1 < job.chunks) await ctx.queue.send({ kind: 'job_chunk', job: jobId, chunk: chunk + 1 });
  return 'applied';
}

async function chunkInput(ctx: JobContext, jobId: string, chunk: number) {
  const { job, identifiers } = await readChunkInput(ctx.db, jobId, chunk);
  const course = job ? (job.courses[chunkAddress(chunk, job.slices).course] ?? null) : null;
  return { job, identifiers, course };
}

async function commitChunk(ctx: JobContext, job: JobRow, chunk: number, identifiers: string[], courseId: string) {
  const stored = job.cohorts?.[chunkAddress(chunk, job.slices).course] ?? null;
  const loaded = await loadBulkState(ctx.db, {
    identifiers,
    courseIds: [courseId],
    cohortNames: stored ? [stored.name] : [],
  });
  if (!loaded.courses.some((c) => c.id === courseId)) throw new JobFailure(`Course ${echo(courseId)} not found.`);
  const cohort = stored ? loaded.cohorts.find((c) => c.courseId === courseId && c.name === stored.name) : null;
  if (stored && !cohort) throw new JobFailure(`cohort ${echo(stored.name)} not found in course ${echo(courseId)}.`);
  const now = ctx.now();
  const request = {
    identifiers,
    courses: [courseId],
    action: job.action,
    cohorts: stored ? [stored.name] : null,
    autoEnroll: job.autoEnroll,
    emailStudents: job.emailStudents,
    reason: job.reason,
    dryRun: job.dryRun,
    mode: job.mode,
  };
  const pass = coursePasses(ctx, request, loaded, bulkOrigin(job.createdBy || null, request, now));
  const { results, statements } = pass(courseId, cohort ? { id: cohort.id, name: cohort.name } : null);
  const marker = recordChunk(ctx.db, {
    jobId: job.id,
    chunk,
    courseId,
    pairs: results.length,
    counts: countResults(results),
    results: JSON.stringify(results.map(storeResult)),
    now,
  });
  await runBatch(ctx.db, [...marker, ...statements]);
}
