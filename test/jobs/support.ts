import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { expect, vi } from 'vitest';
import { loadConfig } from '../../src/config';
import { ANONYMOUS, type Principal } from '../../src/context/principal';
import { createDb, newDbMetrics } from '../../src/db/client';
import worker from '../../src/index';
import type { JobContext } from '../../src/jobs/jobs.chunk';
import { JOBS_QUEUE } from '../../src/jobs/jobs.consumer';
import { BulkJobRequestSchema } from '../../src/jobs/jobs.schemas';
import { createJob, type JobsMessage } from '../../src/jobs/jobs.service';
import { staffHeader } from '../helpers/bulk-fixtures';
import { createUser, db } from '../helpers/fixtures';
import { call, unique } from '../helpers/request';
import { jwtHeader } from '../helpers/tokens';

// Helpers of the bulk job tests (docs/api/bulk-jobs.md).
export const JOBS = '/api/bulk_enroll/v1/jobs/';
export const jobUrl = (id: string) => `/api/bulk_enroll/v1/jobs/${id}`;

export async function postJob(json: unknown, headers?: Record<string, string>) {
  return call(JOBS, { method: 'POST', json, headers: headers ?? (await staffHeader()) });
}

/** A staff member: their username and JWT header. */
export async function staff() {
  const username = unique('jstaff');
  return { username, headers: await staffHeader(username) };
}

/** Polls the job until `check` passes on its status document. */
export async function waitForJob(
  id: string,
  headers: Record<string, string>,
  check: (job: { status: string; processed: number }) => boolean = (job) => job.status === 'succeeded',
  timeout = 15_000,
) {
  let last: { status: string; processed: number } | null = null;
  await vi.waitFor(
    async () => {
      const res = await call(jobUrl(id), { headers });
      expect(res.status).toBe(200);
      last = res.body;
      expect(check(res.body), JSON.stringify(res.body)).toBe(true);
    },
    { timeout, interval: 50 },
  );
  return last as unknown as Record<string, unknown> & { status: string; processed: number };
}

/** A queue that loses every message (the sender's isolate died right after the commit). */
export const lostQueue = (): JobContext['queue'] & { sent: JobsMessage[] } => {
  const sent: JobsMessage[] = [];
  return {
    sent,
    send: async (body: JobsMessage) => {
      sent.push(body);
    },
    sendBatch: async (messages: Iterable<MessageSendRequest<JobsMessage>>) => {
      for (const m of messages) sent.push(m.body);
    },
  } as unknown as JobContext['queue'] & { sent: JobsMessage[] };
};

/** The consumer's context on the test D1, its round trips counted, the queue as given. */
export function jobContext(queue: JobContext['queue'] = lostQueue(), vars: Partial<Env> = {}): JobContext {
  const metrics = newDbMetrics();
  return { db: createDb(env.DB, metrics), config: loadConfig({ ...env, ...vars }), metrics, now: Date.now, queue };
}

/**
 * Creates a job through the service, as POST does, with a chunk size of `chunk` pairs and the
 * given queue (default: one that loses the first message, so nothing runs until the test says so).
 */
export async function storeJob(
  json: Record<string, unknown>,
  options: { chunk?: number; maxPairs?: number; queue?: JobContext['queue']; username?: string } = {},
) {
  const username = options.username ?? unique('jstaff');
  const user = await createUser({ username, isStaff: true });
  const principal: Principal = { ...ANONYMOUS, user: { ...user, country: user.country ?? null } };
  const vars = { BULK_JOB_CHUNK: String(options.chunk ?? 1000), BULK_JOB_MAX_PAIRS: String(options.maxPairs ?? 1e6) };
  const ctx = jobContext(options.queue, vars as Partial<Env>);
  const fields = BulkJobRequestSchema.parse(json);
  const accepted = await createJob(ctx, principal, fields, options.queue ?? lostQueue(), 'http://edge.test');
  return { ...accepted, username, headers: await jwtHeader(username, { administrator: true }) };
}

let counter = 0;
const handlers: ExportedHandler<Env> = worker;

/** Runs the Worker's queue handler on JOBS messages, `vars` overriding the environment. */
export async function runJobsQueue(bodies: JobsMessage[], vars: Partial<Env> = {}, attempts = 1) {
  const batch = createMessageBatch<JobsMessage>(
    JOBS_QUEUE,
    bodies.map((body) => ({ id: `job-msg-${counter++}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  if (!handlers.queue) throw new Error('the Worker has no queue handler');
  await handlers.queue(batch as MessageBatch, { ...env, ...vars }, ctx);
  return getQueueResult(batch, ctx);
}

/** Runs the Worker's cron handler once. */
export async function runCron(vars: Partial<Env> = {}) {
  const controller = createScheduledController({ scheduledTime: new Date(), cron: '* * * * *' });
  const ctx = createExecutionContext();
  if (!handlers.scheduled) throw new Error('the Worker has no scheduled handler');
  await handlers.scheduled(controller, { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
}

/** The job row as stored. */
export const jobRow = async (id: string) =>
  (await env.DB.prepare('select * from bulk_jobs where id = ?').bind(id).first()) as Record<string, unknown>;

/** Pretends the job made no progress for `ms` (the sweep's stall test). */
export const ageJob = (id: string, ms: number) =>
  env.DB.prepare('update bulk_jobs set touched_at = touched_at - ? where id = ?').bind(ms, id).run();

export { db };
