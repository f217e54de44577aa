import { loadBulkState } from '../bulk/bulk.repo';
import { toBulkRequest } from '../bulk/bulk.request';
import { checkCohortsAndCourses, type Loaded } from '../bulk/bulk.service';
import type { Deps } from '../context';
import { isGlobalStaff, type Principal } from '../context/principal';
import { runBatch } from '../db/batch';
import { defaultModeSlug, isExpired } from '../enrollments/course-modes';
import { chunk } from '../lib/chunks';
import { formatDateTime } from '../lib/datetime';
import { echo } from '../lib/echo';
import { ApiError, notFoundDetail } from '../lib/errors';
import { sliceIdentifiers } from './jobs.plan';
import { cancelJob, insertJob, insertSlices, type JobRow, jobById } from './jobs.repo';
import type { BulkJobFields, JobStatus } from './jobs.schemas';

// POST/GET/DELETE /api/bulk_enroll/v1/jobs/ (docs/api/bulk-jobs.md). A job is validated whole, like
// the sync endpoint, then stored once (its identifiers as slices, the job row last) and handed to
// the JOBS queue, which applies it chunk by chunk (jobs.chunk.ts).

/** A work item on the JOBS queue: apply one chunk of one job. References only, never input. */
export type JobsMessage = { kind: 'job_chunk'; job: string; chunk: number };

/**
 * Statements per round trip when storing a job: each binds up to 256 KB, so a batch stays near
 * 4 MB and a 32 MiB body is stored in ~9 round trips (a bounded loop over batches, not items).
 */
const STATEMENTS_PER_BATCH = 16;

export const JOBS_PATH = '/api/bulk_enroll/v1/jobs';
const statusUrl = (origin: string, id: string) => `${origin}${JOBS_PATH}/${id}`;

export async function createJob(
  deps: Pick<Deps, 'db' | 'config' | 'now'>,
  principal: Principal,
  fields: BulkJobFields,
  queue: Pick<Queue<JobsMessage>, 'send'>,
  origin: string,
) {
  const request = toBulkRequest(fields, { max: deps.config.BULK_JOB_MAX_PAIRS, per: 'job' });
  const now = deps.now();
  const loaded = await loadBulkState(deps.db, {
    identifiers: [],
    courseIds: request.courses,
    cohortNames: request.cohorts ?? [],
  });
  const paired = checkCohortsAndCourses(request, loaded);
  checkMode(fields.mode, request.courses, loaded, now);
  const slices = sliceIdentifiers(request.identifiers, deps.config.BULK_JOB_CHUNK);
  const id = crypto.randomUUID();
  const total = request.identifiers.length * request.courses.length;
  // Identifiers that split to nothing make a job with nothing to do: done when stored.
  const empty = total === 0;
  const job = insertJob(deps.db, {
    id,
    createdBy: principal.user?.username ?? '',
    status: empty ? 'succeeded' : 'queued',
    ...(empty ? { started: now, finished: now } : {}),
    action: request.action,
    dryRun: request.dryRun,
    autoEnroll: request.autoEnroll,
    emailStudents: request.emailStudents,
    reason: request.reason,
    mode: fields.mode,
    courses: request.courses,
    cohorts: request.cohorts ? paired.map((c) => ({ id: c.id, name: c.name })) : null,
    slices: slices.length,
    chunks: slices.length * request.courses.length,
    total,
    created: now,
    touchedAt: now,
  });
  // The job row goes last: until it commits, its slices are invisible (nothing reads them).
  for (const statements of chunk([...insertSlices(deps.db, id, slices), job], STATEMENTS_PER_BATCH)) {
    await runBatch(deps.db, statements);
  }
  // A lost send is made good by the cron's sweep (the job stays queued, untouched).
  if (!empty) await queue.send({ kind: 'job_chunk', job: id, chunk: 0 });
  const url = statusUrl(origin, id);
  return { job_id: id, status: 'queued' as const, total, status_url: url, results_url: `${url}/results` };
}

/** `mode` must be one the course offers now (or its default mode), for every course. */
function checkMode(mode: string | null, courses: readonly string[], loaded: Loaded, now: number) {
  if (mode === null) return;
  for (const courseId of courses) {
    const modes = loaded.modes.filter((m) => m.courseId === courseId);
    const offered = modes.some((m) => m.slug === mode && !isExpired(m, now)) || defaultModeSlug(modes, now) === mode;
    if (!offered)
      throw new ApiError(400, { mode: [`Course ${echo(courseId)} does not offer the mode ${echo(mode)}.`] });
  }
}

/** Global staff see every job; its creator sees their own; anyone else gets the 404 of no job. */
export const canSee = (principal: Principal, job: Pick<JobRow, 'createdBy'>) =>
  isGlobalStaff(principal) || (principal.user !== null && principal.user.username === job.createdBy);

export function toStatus(job: JobRow): JobStatus {
  return {
    job_id: job.id,
    status: job.status,
    action: job.action,
    dry_run: job.dryRun,
    total: job.total,
    processed: job.processed,
    counts: {
      enrolled: job.enrolled,
      unenrolled: job.unenrolled,
      allowed: job.allowed,
      unchanged: job.unchanged,
      invalid: job.invalid,
    },
    created: formatDateTime(job.created) as string,
    started: formatDateTime(job.started),
    finished: formatDateTime(job.finished),
    error: job.error,
  };
}

export async function jobStatus(deps: Pick<Deps, 'db'>, principal: Principal, id: string): Promise<JobStatus> {
  const [job] = await jobById(deps.db, id);
  if (!job || !canSee(principal, job)) throw notFoundDetail();
  return toStatus(job);
}

/** Cancels what is not finished; a finished job is answered as it is. */
export async function cancel(deps: Pick<Deps, 'db' | 'now'>, principal: Principal, id: string): Promise<JobStatus> {
  const createdBy = isGlobalStaff(principal) ? null : (principal.user?.username ?? '');
  const job = await cancelJob(deps.db, id, createdBy, deps.now());
  if (!job || !canSee(principal, job)) throw notFoundDetail();
  return toStatus(job);
}
