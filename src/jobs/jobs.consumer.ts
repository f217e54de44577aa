import { loadConfig } from '../config';
import { runBatch } from '../db/batch';
import { createDb, newDbMetrics } from '../db/client';
import { applyChunk, type JobContext } from './jobs.chunk';
import { claimStalledJobs, failJob } from './jobs.repo';
import type { JobsMessage } from './jobs.service';

// The JOBS queue's consumer and the jobs' part of the cron (docs/api/bulk-jobs.md#queue). One chunk
// per message; a failed chunk comes back through the queue's delay, and after JOB_MAX_ATTEMPTS its
// job is marked failed. A job that stopped advancing (a message lost, an isolate gone between a
// chunk's commit and the next send) is picked up by the sweep.

export { JOBS_QUEUE } from './jobs.limits';

/** Attempts of one message before its job is marked failed (the queue's max_retries is above it). */
export const JOB_MAX_ATTEMPTS = 5;

/** An unfinished job without progress for this long gets its next chunk's message again. */
export const JOB_STALL_MS = 60_000;

/** `sendBatch` takes at most 100 messages. */
const SEND_BATCH_LIMIT = 100;

export function jobContext(env: Env): JobContext {
  const metrics = newDbMetrics();
  return {
    db: createDb(env.DB, metrics),
    config: loadConfig(env),
    metrics,
    now: () => Date.now(),
    queue: env.JOBS as Queue<JobsMessage>,
  };
}

export async function consumeJobs(batch: MessageBatch<JobsMessage>, env: Env): Promise<void> {
  const ctx = jobContext(env);
  for (const message of batch.messages) {
    const { job, chunk } = message.body;
    const queries = ctx.metrics.queries;
    try {
      const result = await applyChunk(ctx, job, chunk);
      const log = { event: 'job_chunk', job, chunk, result, dbQueries: ctx.metrics.queries - queries };
      console.log(JSON.stringify(log));
      message.ack();
    } catch (error) {
      console.error(
        JSON.stringify({ event: 'job_chunk_error', job, chunk, attempts: message.attempts, error: String(error) }),
      );
      if (message.attempts < JOB_MAX_ATTEMPTS) message.retry({ delaySeconds: 2 ** message.attempts });
      else {
        await runBatch(ctx.db, [
          failJob(ctx.db, job, `Chunk ${chunk} could not be applied (${JOB_MAX_ATTEMPTS} attempts).`, ctx.now()),
        ]);
        message.ack();
      }
    }
  }
}

/** Re-sends the next chunk of every stalled job (idempotent: a chunk applies once whatever arrives). */
export async function sweepJobs(ctx: JobContext) {
  const now = ctx.now();
  const [claimed] = await runBatch(ctx.db, [claimStalledJobs(ctx.db, now - JOB_STALL_MS, now)]);
  const stalled = claimed as { id: string; nextChunk: number }[];
  for (let i = 0; i < stalled.length; i += SEND_BATCH_LIMIT) {
    const slice = stalled.slice(i, i + SEND_BATCH_LIMIT);
    await ctx.queue.sendBatch(slice.map((j) => ({ body: { kind: 'job_chunk', job: j.id, chunk: j.nextChunk } })));
  }
  if (stalled.length > 0) console.log(JSON.stringify({ event: 'jobs_sweep', resent: stalled.length }));
  return { resent: stalled.length };
}
