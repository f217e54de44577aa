// `npm run bench` (issue 5): the service against a bare Hono Worker on the same runtime, same run.
// Both are bundled with `wrangler deploy --dry-run` and served by direct Miniflare instances on
// 127.0.0.1 (never `wrangler dev`, whose proxy caps everything near 1k req/s), each with its own D1/KV
// in a temporary directory. autocannon drives each scenario in-process; see README "Benchmarks".
//
// Env: BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (16), BENCH_ENROLLMENTS (100000),
// BENCH_WARMUP (s, default min(2, duration)), BENCH_OUT (bench/results.json),
// BENCH_TIMEOUT_MINUTES (overall limit; default from the scale and duration), BENCH_ONLY (names),
// BENCH_EVENTS (events in the log for the feed pages, default 100000), BENCH_COLD_RUNS (fresh Node
// processes per bundle for module evaluation, 7), BENCH_COLD_STARTS (fresh runtimes for the first request, 9).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { measureColdStart } from './bench/cold-start.mjs';
import { measureCpuPairs } from './bench/cpu-pairs.mjs';
import { measureDelivery } from './bench/delivery.mjs';
import { measureImport } from './bench/import.mjs';
import { measureInProcess } from './bench/in-process.mjs';
import { runLoad } from './bench/load.mjs';
import { CPU_TARGETED, coldStartReport, SCENARIOS, table, toRows, verdicts } from './bench/report.mjs';
import { buildScenarios } from './bench/scenarios.mjs';
import {
  applyMigrations,
  courseId,
  emailOf,
  LEARNER,
  lastFeedAfter,
  lastPageCursor,
  STAFF,
  seedBare,
  seedCatalog,
  seedEvents,
  seedService,
} from './bench/seed.mjs';
import { buildWorkers, queueOptions, runtimeOutput, signToken, startWorker } from './bench/servers.mjs';
import { JOB_SCENARIO, jobPairs, measureBulkJob } from './bench-jobs.mjs';

function intEnv(name, fallback, min) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    console.error(`${name} must be an integer ≥ ${min} (got "${raw}")`);
    process.exit(2);
  }
  return value;
}

const seconds = intEnv('BENCH_DURATION', 10, 1);
const connections = intEnv('BENCH_CONNECTIONS', 16, 1);
const enrollments = intEnv('BENCH_ENROLLMENTS', 100_000, 1000);
const eventCount = intEnv('BENCH_EVENTS', 100_000, 2000);
const warmup = intEnv('BENCH_WARMUP', Math.min(2, seconds), 0);
const out = process.env.BENCH_OUT || 'bench/results.json';
const coldRuns = intEnv('BENCH_COLD_RUNS', 7, 1);
const coldStarts = intEnv('BENCH_COLD_STARTS', 9, 1);
// The CPU phase (scripts/bench/cpu-pairs.mjs): pairs per scenario with a CPU target, seconds per run, connections.
const cpuRounds = intEnv('BENCH_CPU_ROUNDS', 4, 0);
const cpuSeconds = intEnv('BENCH_CPU_SECONDS', 4, 1);
const cpuConnections = intEnv('BENCH_CPU_CONNECTIONS', connections, 1);
// Debugging aid: run only these scenarios (comma-separated names); the others are reported as skipped.
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;

// Bare and service scenarios interleaved so noise hits both: the read paths with a ratio target run
// twice (an early pass, then a late pass in reverse order, each next to its bare reference); every
// figure is the mean of its runs. On this shared 2-core machine one 10 s run moves by ±10%.
const SCHEDULE = [
  'bare',
  'health',
  'course_details_hit',
  'course_details_hit_throttled',
  'bare_kv',
  'bare_d1',
  'course_details_miss',
  'enrollment_get',
  'bare',
  'enrollment_post',
  'enrollment_post_keyed',
  'admin_list_first_page',
  'admin_list_last_page',
  'events_feed_page_first',
  'events_feed_page_last',
  'bare_d1',
  'bulk_enroll_1000',
  'program_write_25',
  'enrollment_get',
  'course_details_miss',
  'bare_d1',
  'bare_kv',
  'course_details_hit_throttled',
  'course_details_hit',
  'health',
  'bare',
];

const timeoutMinutes = intEnv(
  'BENCH_TIMEOUT_MINUTES',
  Math.ceil(7 + (enrollments / 100_000) * 1.5 + (SCHEDULE.length * (seconds + warmup + 30)) / 60),
  1,
);

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const log = (message) => console.log(`[bench ${elapsed()}] ${message}`);

const state = mkdtempSync(join(tmpdir(), 'edx-bench-'));
const workers = [];
let cleaning = null;
function cleanup() {
  cleaning ??= (async () => {
    await Promise.race([
      Promise.allSettled(workers.map((w) => w.mf.dispose())),
      new Promise((resolve) => setTimeout(resolve, 15_000).unref()),
    ]);
    rmSync(state, { recursive: true, force: true });
  })();
  return cleaning;
}
async function abort(message, code) {
  console.error(`\n[bench] ${message}`);
  await cleanup();
  process.exit(code);
}
process.on('SIGINT', () => abort('interrupted', 130));
process.on('SIGTERM', () => abort('terminated', 143));
setTimeout(
  () => abort(`overall time limit of ${timeoutMinutes} min reached (BENCH_TIMEOUT_MINUTES)`, 2),
  timeoutMinutes * 60_000,
).unref();

/** One request outside the load generator (setup and samples), bounded in time. */
async function request(origin, method, path, headers = {}, body = undefined) {
  const response = await fetch(origin + path, {
    method,
    headers:
      body === undefined || typeof body === 'string' ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/**
 * A query through Miniflare's binding proxy (its own HTTP connection to the runtime, from a worker
 * thread), retried once when that connection fails: in one CI run it failed right after a 1 s run
 * had cut off a bulk POST in flight ("fetch failed" inside the proxy), while the Worker's own
 * answers were all as expected. A second failure is the runtime's and stops the bench.
 */
async function throughProxy(query) {
  try {
    return await query();
  } catch (error) {
    if (!(error instanceof TypeError && error.message === 'fetch failed')) throw error;
    log(`binding proxy: ${error.message} (${error.cause?.code ?? error.cause?.message ?? 'no cause'}), retrying once`);
    await sleep(1000);
    return query();
  }
}

const problems = [];
/** Linux CPU pressure (share of the last 10 s in which a task waited for a CPU), or null. */
function cpuPressure() {
  try {
    const match = /some avg10=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}
const pressures = [];
const pressureBefore = cpuPressure();
const round1 = (x) => Math.round(x * 10) / 10;
const round3 = (x) => Math.round(x * 1000) / 1000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one request of the scenario (after its warm-up) and checks status, body and Server-Timing. */
async function sample(name, scenario) {
  const next = scenario.next();
  const answer = await request(scenario.origin, next.method, next.path, next.headers, next.body);
  const timing = answer.headers.get('server-timing') ?? '';
  const queries = /db;desc="(\d+) queries"/.exec(timing);
  const cache = /cache;desc="(\w+)"/.exec(timing)?.[1];
  const issues = [];
  if (answer.status !== 200) issues.push(`status ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  else {
    try {
      scenario.verify(answer.body);
    } catch (error) {
      issues.push(`${error.message}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    }
  }
  if (scenario.d1 === undefined && !queries) issues.push(`no db count in Server-Timing "${timing}"`);
  if (scenario.cache && cache !== scenario.cache) issues.push(`cache ${cache ?? 'absent'}, expected ${scenario.cache}`);
  if (scenario.throttled && !answer.headers.get('ratelimit-limit')) issues.push('no RateLimit-Limit: throttle off?');
  for (const issue of issues) problems.push(`${name}: sample response: ${issue}`);
  return { d1: scenario.d1 ?? (queries ? Number(queries[1]) : null), issues, timing };
}

/** The commit measured, `+dirty` when src/, migrations/ or wrangler.toml have uncommitted changes. */
function revision() {
  try {
    const git = (...args) => execFileSync('git', args, { encoding: 'utf8', timeout: 10_000, stdio: 'pipe' }).trim();
    const dirty = git('status', '--porcelain', '--', 'src', 'migrations', 'wrangler.toml') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

/** The CPU-targeted reads' JavaScript per request, runtime excluded (bench/in-process.mjs; no target). */
function measureJavaScript(serviceScript, bareScript, vars) {
  const details = `/api/enrollment/v1/course/${courseId(0)}`;
  return measureInProcess({
    serviceScript,
    bareScript,
    vars,
    paths: {
      health: { path: '/health' },
      course_details_hit: { path: details },
      // A limit no loop reaches: the throttle's counting, never its refusal.
      course_details_hit_throttled: {
        path: details,
        vars: { RATE_LIMIT_ENABLED: 'true', THROTTLE_USER_RATE: '100000000/minute' },
      },
    },
  });
}

async function main() {
  const require = createRequire(import.meta.url);
  const commit = revision();
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, workerd ${require('workerd/package.json').version}`;
  log(`commit ${commit}; ${machine}; ${seconds} s per scenario after ${warmup} s warm-up, ${connections} connections`);
  log(`state in ${state} (removed at the end); limit ${timeoutMinutes} min`);

  log('bundling the service and the bare Worker (wrangler deploy --dry-run)');
  const { serviceScript, bareScript, config, bareConfig, vars } = buildWorkers(state);
  const common = { compatibilityDate: config.compatibilityDate, compatibilityFlags: config.compatibilityFlags };
  // Before any instance runs, so the bench's own load does not share the CPU with these figures.
  log(
    `cold start: module evaluation (${coldRuns} fresh Node processes per bundle), first request (${coldStarts} fresh runtimes)`,
  );
  const cold = await measureColdStart({
    serviceScript,
    bareScript,
    settings: common,
    bindings: vars,
    runs: coldRuns,
    starts: coldStarts,
  });
  log(`cold start: ${JSON.stringify(cold.cold_start)}`);
  const inProcess =
    only && !CPU_TARGETED.some((name) => only.has(name)) ? null : measureJavaScript(serviceScript, bareScript, vars);
  if (inProcess) log(`in process (JavaScript per request, µs): ${JSON.stringify(inProcess.figures)}`);
  const start = async (name, scriptPath, bindings, settings = common) => {
    const worker = await startWorker({ name, scriptPath, bindings, ...settings, stateDir: join(state, name) });
    workers.push(worker);
    return worker;
  };
  const bare = await start('bare', bareScript, {}, bareConfig);
  // A second bare runtime for the CPU phase's noise floor (bare against bare, side by side).
  const bareTwin = cpuRounds === 0 ? null : await start('bare_twin', bareScript, {}, bareConfig);
  const service = await start('service', serviceScript, vars);
  // Same bundle, throttling on with a limit it never reaches (per-IP bucket for course details).
  const throttled = await start('throttled', serviceScript, {
    ...vars,
    RATE_LIMIT_ENABLED: 'true',
    THROTTLE_USER_RATE: '100000000/minute',
    THROTTLE_STAFF_RATE: '100000000/minute',
  });
  // Same bundle, course-details cache disabled (TTL 0): every E1 request reads D1.
  const uncached = await start('uncached', serviceScript, { ...vars, ENROLLMENT_COURSE_DETAILS_CACHE_TIMEOUT: '0' });
  // Same bundle with the EVENTS queue and its consumer, for delivery_latency only.
  const events = await start(
    'events',
    serviceScript,
    { ...vars, WEBHOOK_ALLOW_HTTP: 'true' },
    { ...common, queues: queueOptions(config.queues) },
  );
  for (const w of workers) log(`${w.name.padEnd(9)} ${w.origin}`);
  const byOrigin = new Map(workers.map((w) => [w.origin, w]));

  log('seeding');
  await seedBare(bare.db, bare.kv);
  for (const w of [service, throttled, uncached, events]) {
    const applied = await applyMigrations(w.db);
    if (w === service) log(`migrations: ${applied.join(', ')}`);
  }
  await seedCatalog(throttled.db);
  await seedCatalog(uncached.db);
  const { learners } = await seedService(service.db, enrollments, (m) => log(`  ${m}`));
  const lastCursor = await lastPageCursor(service.db, 100);
  await seedEvents(service.db, eventCount, (m) => log(`  ${m}`));
  const feedLastAfter = await lastFeedAfter(service.db, 1000);
  const eventsSeed = await seedService(events.db, 1000, () => {});
  await seedEvents(events.db, 0, () => {});

  const sign = (username, administrator) => signToken(vars, username, emailOf(username), administrator);
  const scenarios = buildScenarios({
    bare: bare.origin,
    service: service.origin,
    throttled: throttled.origin,
    uncached: uncached.origin,
    staffToken: await sign(STAFF, true),
    learnerToken: await sign(LEARNER, false),
    learners,
    lastCursor,
    feedLastAfter,
    apiKey: vars.EDX_API_KEY,
  });

  const skipped = {};
  for (const [name, scenario] of Object.entries(scenarios)) {
    if (only && !only.has(name)) {
      skipped[name] = 'not in BENCH_ONLY';
      continue;
    }
    if (!scenario.prepare) continue;
    const reason = await scenario.prepare((method, path, headers, body) =>
      request(scenario.origin, method, path, headers, body),
    );
    if (reason) skipped[name] = reason;
  }

  // Fresh instances answered D1 reads slowly for their first seconds (in a test, 3 s of /bare/d1 right
  // after start-up: 412 req/s, then ~800; after a 10 s pause ~1000 from the first run). So: a pause,
  // then one warm-up per read path (JIT, SQLite page cache, the D1/KV simulators).
  log('settling for 10 s after start-up and seeding');
  await sleep(10_000);
  if (warmup > 0) {
    const readOnly = SCENARIOS.filter(
      (n) => scenarios[n] && !skipped[n] && !scenarios[n].createsEnrollments && !scenarios[n].prepare,
    );
    log(`runtime warm-up: ${readOnly.length} read scenarios × ${warmup} s`);
    for (const name of readOnly)
      await runLoad(scenarios[name], { seconds: warmup, connections, label: `warm-up ${name}` });
    await sleep(500);
  }

  const runs = {};
  const active = SCHEDULE.filter((name) => !skipped[name]);
  let index = 0;
  for (const name of SCHEDULE) {
    if (skipped[name]) {
      log(`skip ${name}: ${skipped[name]}`);
      continue;
    }
    index += 1;
    const scenario = scenarios[name];
    const label = `[${index}/${active.length}] ${name}`;
    const countEnrollments = () =>
      throughProxy(async () => (await service.db.prepare('SELECT count(*) AS n FROM enrollments').first()).n);
    const enrollmentsBefore = scenario.createsEnrollments ? await countEnrollments() : 0;
    let sent = 0;
    if (warmup > 0) {
      const warm = await runLoad(scenario, { seconds: warmup, connections, label: `${label} warm-up` });
      if (warm.non2xx || warm.errors) {
        problems.push(
          `${name}: warm-up non2xx ${warm.non2xx}, errors ${warm.errors} ${JSON.stringify(warm.statusCodes)}`,
        );
      }
      // autocannon stops with requests in flight; let the Worker finish them before measuring.
      await sleep(Math.min(5000, Math.max(250, 2 * warm.p99)));
      sent += warm.completed;
    }
    const probe = await sample(name, scenario);
    // The runtime's CPU time (utime + stime of this instance's workerd) over the measured load.
    const runtime = byOrigin.get(scenario.origin);
    const cpuBefore = runtime?.cpuMs() ?? null;
    const result = await runLoad(scenario, { seconds, connections, label });
    const cpuAfter = runtime?.cpuMs() ?? null;
    const cpuUs =
      cpuBefore !== null && cpuAfter !== null && result.completed > 0
        ? (1000 * (cpuAfter - cpuBefore)) / result.completed
        : null;
    await sleep(Math.min(5000, Math.max(250, 2 * result.p99)));
    sent += 1 + result.completed;
    if (scenario.createsEnrollments) {
      // Requests cut off at the end of a run may still have written, hence "at least".
      const created = (await countEnrollments()) - enrollmentsBefore;
      const expected = sent * scenario.createsEnrollments;
      if (created < expected) {
        problems.push(`${name}: ${created} new enrollments for ${sent} completed requests (expected ≥ ${expected})`);
      }
    }
    const non2xx = result.non2xx + result.errors;
    if (non2xx) {
      problems.push(
        `${name}: ${result.non2xx} non-2xx, ${result.errors} errors (${result.timeouts} timeouts${Object.keys(result.errorKinds ?? {}).length ? `; ${JSON.stringify(result.errorKinds)}` : ''}); status codes ${JSON.stringify(result.statusCodes)}`,
      );
    }
    const pressure = cpuPressure();
    if (pressure !== null) pressures.push(pressure);
    runs[name] ??= [];
    runs[name].push({ ...result, non2xx, d1: probe.d1, cpu_us: cpuUs });
    log(
      `${label}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
        `CPU ${cpuUs === null ? '?' : cpuUs.toFixed(0)} µs/req, D1 ${probe.d1 ?? '?'}` +
        `${pressure === null ? '' : `, CPU pressure ${pressure}%`}` +
        `${non2xx ? `, NON-2XX ${non2xx}` : ''}${probe.issues.length ? `, SAMPLE: ${probe.issues.join('; ')}` : ''}`,
    );
  }

  const cpuNames = CPU_TARGETED.filter((name) => runs[name] && runs.bare);
  log(`cpu: ${cpuRounds} rounds per scenario side by side with bare, ${cpuSeconds} s, ${cpuConnections} connections`);
  const cpuPhase =
    cpuRounds === 0 || cpuNames.length === 0
      ? { measured: {}, noise: null }
      : await measureCpuPairs({
          names: cpuNames,
          scenarios,
          runtimeOf: (scenario) => byOrigin.get(scenario.origin),
          twin: bareTwin && {
            scenario: { ...scenarios.bare, origin: bareTwin.origin },
            runtime: bareTwin,
          },
          rounds: cpuRounds,
          seconds: cpuSeconds,
          connections: cpuConnections,
          log,
        });
  const cpuPairs = cpuPhase.measured;

  let afterResponse = null; // delivery_latency measured from the POST's response instead of the commit
  if (only && !only.has('delivery_latency')) skipped.delivery_latency = 'not in BENCH_ONLY';
  else {
    log('delivery_latency: 300 enrollment POSTs (4 at a time) on the events instance, commit → receiver');
    const delivery = await measureDelivery({
      request: (method, path, headers, body) => request(events.origin, method, path, headers, body),
      staffToken: await sign(STAFF, true),
      apiKey: vars.EDX_API_KEY,
      learners: eventsSeed.learners,
    });
    if (delivery.skipped) skipped.delivery_latency = delivery.skipped;
    else {
      runs.delivery_latency = [delivery.measured];
      afterResponse = delivery.afterResponse;
      problems.push(...delivery.problems);
      const m = delivery.measured;
      log(
        `delivery_latency: ${delivery.delivered} delivered, commit → receiver p50 ${m.p50} ms, p99 ${m.p99} ms ` +
          `(response → receiver p50 ${delivery.afterResponse.p50} ms, p99 ${delivery.afterResponse.p99} ms); ` +
          `${m.rps.toFixed(0)} POST/s, D1 ${m.d1 ?? '?'} per POST`,
      );
    }
  }

  let importRun = null; // import_enrollments: `npm run import` of a generated export (scripts/bench/import.mjs)
  if (only && !only.has('import_enrollments')) skipped.import_enrollments = 'not in BENCH_ONLY';
  else {
    const users = Math.max(200, Math.min(10_000, Math.floor(enrollments / 10)));
    log(
      `import_enrollments: npm run import of ${users} users, then ${users * 5} enrollments, into the service instance`,
    );
    const result = await measureImport({ origin: service.origin, apiKey: vars.EDX_API_KEY, users });
    importRun = result.measured;
    problems.push(...result.problems);
    log(
      `import_enrollments: ${importRun.enrollments_per_s} enrollments/s (target ≥ ${importRun.target_per_s}: ${importRun.verdict}), ` +
        `${importRun.users_per_s} users/s; D1 ${importRun.d1_per_call} per enrollments call (users ${importRun.users_d1_per_call})`,
    );
  }

  // bulk_job_100k (scripts/bench-jobs.mjs): one job through the JOBS queue on the queue instance.
  let bulkJob = null;
  if (only && !only.has(JOB_SCENARIO)) skipped[JOB_SCENARIO] = 'not in BENCH_ONLY';
  else {
    const jobRequest = (method, path, headers, body) => request(events.origin, method, path, headers, body);
    const job = await measureBulkJob({
      request: jobRequest,
      staffToken: await sign(STAFF, true),
      logFile: events.logFile,
      pairs: jobPairs(enrollments),
      log,
    });
    bulkJob = job.measured ?? null;
    problems.push(...job.problems);
  }

  const mean = (list, field) => list.reduce((sum, r) => sum + r[field], 0) / list.length;
  const measured = Object.fromEntries(
    Object.entries(runs).map(([name, list]) => [
      name,
      {
        rps: mean(list, 'rps'),
        p50: mean(list, 'p50'),
        p99: mean(list, 'p99'),
        cpu_us:
          cpuPairs[name]?.cpu_us ??
          (list.every((r) => r.cpu_us !== null && r.cpu_us !== undefined) ? mean(list, 'cpu_us') : null),
        cpu_ratio: cpuPairs[name]?.ratio ?? null,
        d1: list[0].d1,
        non2xx: list.reduce((sum, r) => sum + r.non2xx, 0),
      },
    ]),
  );
  for (const name of Object.keys(runs)) {
    if (runs[name].length > 1)
      log(
        `${name} runs: ${runs[name].map((r) => r.rps.toFixed(0)).join(', ')} req/s; ` +
          `${runs[name].map((r) => r.cpu_us?.toFixed(0) ?? '?').join(', ')} µs/req (means used)`,
      );
  }

  const rows = toRows(measured);
  const verdictByName = verdicts(rows, skipped);
  console.log(`\n${table(rows, verdictByName)}\n`);
  const coldReport = coldStartReport(cold.cold_start);
  console.log(`${coldReport.table}\n`);
  console.log(
    `${enrollments} enrollments over 1000 courses, ≥ ${eventCount} events; ${seconds} s per scenario, ${connections} connections; commit ${commit}; ${machine}`,
  );
  for (const [name, reason] of Object.entries(skipped)) console.log(`skipped ${name}: ${reason}`);
  if (cpuPhase.noise) {
    console.log(
      `CPU noise floor: bare against a twin bare runtime, side by side as the CPU ratios are measured, ${cpuPhase.noise.ratio.toFixed(3)} (rounds ${cpuPhase.noise.pairs.map((p) => p.ratio.toFixed(3)).join(', ')})`,
    );
  }
  if (pressures.length) {
    const meanPressure = round1(pressures.reduce((a, b) => a + b, 0) / pressures.length);
    console.log(
      `CPU pressure (Linux PSI some avg10): ${pressureBefore ?? '?'}% before the run (other work on the machine), mean ${meanPressure}% during the runs (includes the bench's own load)`,
    );
  }
  if (enrollments < 1_000_000) {
    console.log('note: the admin_list_last_page target is defined at 1,000,000 enrollments (BENCH_ENROLLMENTS)');
  }

  mkdirSync(dirname(out) || '.', { recursive: true });
  const missing = SCENARIOS.filter((n) => !rows.find((r) => r.name === n));
  if (missing.length) problems.push(`JSON lacks ${missing.join(', ')}`);
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        scenarios: rows,
        cold_start: cold.cold_start,
        in_process: inProcess?.figures ?? null,
        import_enrollments: importRun,
        [JOB_SCENARIO]: bulkJob,
        meta: {
          date: new Date().toISOString(),
          commit,
          machine,
          duration_s: seconds,
          warmup_s: warmup,
          connections,
          enrollments,
          events: eventCount,
          delivery_response_to_receiver_ms: afterResponse,
          courses: 1000,
          skipped,
          // Linux CPU pressure (PSI some avg10, %): before the run (other work on the machine), and the
          // mean at the end of each run (includes the bench's own load).
          cpu_pressure_before: pressureBefore,
          cpu_pressure_during: pressures.length
            ? round1(pressures.reduce((a, b) => a + b, 0) / pressures.length)
            : null,
          results: Object.fromEntries(SCENARIOS.map((n) => [n, verdictByName[n].result])),
          cold_start_results: coldReport.results,
          // Every measurement behind the cold_start medians (ms).
          cold_start_runs: cold.runs,
          in_process_runs: inProcess?.runs ?? null,
          // The CPU phase's pairs (µs per request of bare and of the scenario, and their ratio).
          cpu_pairs: Object.fromEntries(Object.entries(cpuPairs).map(([name, m]) => [name, m.pairs])),
          cpu_phase: { rounds: cpuRounds, seconds: cpuSeconds, connections: cpuConnections, method: 'side by side' },
          // Bare against a twin bare runtime, measured as the scenarios are: what a ratio of 1 looks like.
          cpu_noise: cpuPhase.noise && {
            ratio: round3(cpuPhase.noise.ratio),
            rounds: cpuPhase.noise.pairs.map((p) => round3(p.ratio)),
          },
        },
      },
      null,
      2,
    )}\n`,
  );
  log(`wrote ${out}`);

  if (problems.length) {
    console.log('\nPROBLEMS (non-2xx answers, transport errors or unexpected sample responses):');
    for (const p of problems) console.log(`  - ${p}`);
    for (const w of workers) {
      const interesting = await runtimeOutput(w.logFile);
      if (interesting.length) console.log(`  ${w.name} runtime output (tail):\n    ${interesting.join('\n    ')}`);
    }
  }
  return problems.length ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`[bench] failed: ${error?.stack ?? error}`);
  for (const w of workers) {
    const interesting = await runtimeOutput(w.logFile);
    if (interesting.length) console.error(`${w.name} runtime output (tail):\n  ${interesting.join('\n  ')}`);
  }
} finally {
  await cleanup();
}
process.exit(code);
