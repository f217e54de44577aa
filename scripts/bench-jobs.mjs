// bulk_job_100k for `npm run bench` (docs/benchmarks.md#bulk-job): one bulk job of 100,000
// identifier × course pairs, end to end — POST, then the JOBS queue and its consumer chunk by
// chunk — on the Miniflare instance that runs the queues. Not an autocannon run: one job, timed
// from the POST to the status `succeeded`. The D1 round trips per chunk are read from the
// consumer's `job_chunk` log lines in the runtime's output.
//
// Env: BENCH_JOB_PAIRS (default 100000; 10000 when BENCH_ENROLLMENTS is below 100000, as in CI's smoke).
import { readFileSync } from 'node:fs';
import { courseId } from './bench/seed.mjs';

export const JOB_SCENARIO = 'bulk_job_100k';
/** The target: 100,000 pairs within 30 s, i.e. at least 3,300 pairs/s. */
const TARGET_PAIRS_PER_S = 3300;
const POLL_MS = 100;

export function jobPairs(enrollments) {
  const raw = process.env.BENCH_JOB_PAIRS;
  if (raw !== undefined && raw !== '') {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`BENCH_JOB_PAIRS must be a positive integer (got "${raw}")`);
    return value;
  }
  return enrollments >= 100_000 ? 100_000 : 10_000;
}

const dbQueriesOf = (headers) => Number(/db;desc="(\d+) queries"/.exec(headers.get('server-timing') ?? '')?.[1] ?? NaN);

function chunkCosts(logFile, jobId) {
  const costs = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"job_chunk"') || !line.includes(jobId)) continue;
    try {
      const entry = JSON.parse(line);
      if (entry.result === 'applied') costs.push(entry.dbQueries);
    } catch {
      // another line that mentions the id
    }
  }
  return costs;
}

/**
 * Runs the job; `request(method, path, headers, body)` talks to the instance with the queues.
 * Returns `{ measured, problems }` or `{ skipped }`.
 */
export async function measureBulkJob({ request, staffToken, logFile, pairs, log, timeoutMs = 180_000 }) {
  const run = Date.now().toString(36);
  const identifiers = Array.from({ length: pairs }, (_, i) => `job${run}.${i}@example.com`).join('\n');
  const auth = { authorization: `JWT ${staffToken}` };
  const body = JSON.stringify({ identifiers, courses: courseId(7), action: 'enroll' });
  log(
    `${JOB_SCENARIO}: a job of ${pairs} pairs (${(body.length / 1048576).toFixed(1)} MiB body), new e-mails → allowances`,
  );
  const started = performance.now();
  const posted = await request(
    'POST',
    '/api/bulk_enroll/v1/jobs/',
    { ...auth, 'content-type': 'application/json' },
    body,
  );
  const postMs = performance.now() - started;
  if (posted.status !== 202) return { problems: [`${JOB_SCENARIO}: POST answered ${posted.status}`] };
  const id = posted.body.job_id;
  let job = posted.body;
  while (!['succeeded', 'failed', 'canceled'].includes(job.status)) {
    if (performance.now() - started > timeoutMs)
      return { problems: [`${JOB_SCENARIO}: not finished after ${timeoutMs / 1000} s`] };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    job = (await request('GET', `/api/bulk_enroll/v1/jobs/${id}`, auth)).body;
  }
  const seconds = (performance.now() - started) / 1000;
  const costs = chunkCosts(logFile, id);
  const problems = [];
  if (job.status !== 'succeeded' || job.processed !== pairs)
    problems.push(`${JOB_SCENARIO}: ${job.status}, ${job.processed}/${pairs}`);
  const measured = {
    pairs,
    chunks: costs.length,
    seconds: Math.round(seconds * 100) / 100,
    pairs_per_s: Math.round(pairs / seconds),
    post_ms: Math.round(postMs),
    post_d1: dbQueriesOf(posted.headers),
    d1_per_chunk: costs.length ? Math.max(...costs) : null,
    target_pairs_per_s: TARGET_PAIRS_PER_S,
    result: pairs / seconds >= TARGET_PAIRS_PER_S ? 'pass' : 'fail',
  };
  log(
    `${JOB_SCENARIO}: ${measured.pairs_per_s} pairs/s (${measured.seconds} s for ${pairs} pairs, ${costs.length} chunks), ` +
      `D1 ${measured.d1_per_chunk} per chunk, POST ${measured.post_ms} ms / ${measured.post_d1} D1 → ${measured.result}`,
  );
  return { measured, problems };
}
