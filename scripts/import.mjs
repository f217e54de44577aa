#!/usr/bin/env node
// `npm run import -- --kind users|enrollments <file>`: streams an export (CSV or NDJSON) into
// /api/admin/v1/import/{users,enrollments} in batches, with a progress bar (docs/api/import.md).
import { createReadStream, existsSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { readDevVars } from './dev-env.mjs';
import { enrollmentLine, records, userLine, usernamesById } from './import/rows.mjs';
import { makeSample } from './import/sample.mjs';

const MAX_BATCH = 5000;
// The service refuses bodies over 1 MiB: a batch closes before it gets there.
const MAX_BATCH_BYTES = 900 * 1024;
const IN_FLIGHT = 2;

const { values: opts, positionals } = parseArgs({
  options: {
    kind: { type: 'string' },
    url: { type: 'string', default: 'http://127.0.0.1:8787' },
    key: { type: 'string' },
    'resume-from': { type: 'string', default: '1' },
    batch: { type: 'string', default: String(MAX_BATCH) },
    users: { type: 'string' },
    'emit-events': { type: 'boolean', default: false },
    'make-sample': { type: 'boolean', default: false },
    'sample-users': { type: 'string', default: '10000' },
    quiet: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});

function fail(message) {
  console.error(`import: ${message}`);
  process.exit(1);
}

async function countLines(file) {
  let lines = 0;
  for await (const chunk of createReadStream(file)) for (const byte of chunk) if (byte === 10) lines += 1;
  return lines;
}

function apiKey() {
  if (opts.key) return opts.key;
  if (process.env.EDX_API_KEY) return process.env.EDX_API_KEY;
  const local = /^https?:\/\/(127\.0\.0\.1|localhost)(:|\/|$)/.test(opts.url);
  const key = local ? readDevVars().EDX_API_KEY : undefined;
  return key || fail('no API key: pass --key or set EDX_API_KEY');
}

/** Posts one batch; resolves to the answer, or throws with the batch's first line for --resume-from. */
async function send(batch, key) {
  const query = opts.kind === 'enrollments' && opts['emit-events'] ? '?emit_events=true' : '';
  const body = `${batch.lines.map((l) => l.text).join('\n')}\n`;
  let res;
  try {
    res = await fetch(`${opts.url}/api/admin/v1/import/${opts.kind}${query}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-ndjson', 'X-Edx-Api-Key': key },
      body,
    });
  } catch (error) {
    throw Object.assign(new Error(`${error.message}${error.cause ? ` (${error.cause.message})` : ''}`), batch);
  }
  const text = await res.text();
  const queries = /db;desc="(\d+) queries"/.exec(res.headers.get('Server-Timing') ?? '');
  if (queries) batch.dbQueries = Number(queries[1]);
  if (res.status !== 200) throw Object.assign(new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`), batch);
  return JSON.parse(text);
}

/** The file's import lines in batches of at most `size` lines and MAX_BATCH_BYTES. */
async function* batches(file, size, from, toLine) {
  let batch = { first: null, lines: [], bytes: 0 };
  for await (const { line, row, invalid } of records(file)) {
    if (line < from) continue;
    const text = invalid ?? JSON.stringify(toLine(row));
    if (batch.lines.length >= size || batch.bytes + text.length > MAX_BATCH_BYTES) {
      yield batch;
      batch = { first: null, lines: [], bytes: 0 };
    }
    batch.first ??= line;
    batch.lines.push({ line, text });
    batch.bytes += text.length + 1;
  }
  if (batch.lines.length > 0) yield batch;
}

function tally(totals, batch, answer, errors) {
  totals.calls += 1;
  totals.maxDbQueries = Math.max(totals.maxDbQueries, batch.dbQueries ?? 0);
  for (const key of ['created', 'updated', 'unchanged']) totals[key] += answer[key];
  for (const error of answer.errors) errors.push({ ...error, line: batch.lines[error.line - 1]?.line ?? error.line });
}

async function run(file) {
  const size = Number(opts.batch);
  if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH) fail(`--batch must be 1–${MAX_BATCH}`);
  const from = Number(opts['resume-from']);
  if (!Number.isInteger(from) || from < 1) fail('--resume-from must be a line number (from 1)');
  const key = apiKey();
  const usernames = opts.users ? await usernamesById(opts.users) : undefined;
  const toLine = opts.kind === 'users' ? userLine : (row) => enrollmentLine(row, usernames);
  const total = Math.max(0, (await countLines(file)) - (file.match(/\.(ndjson|jsonl)$/i) ? 0 : 1) - (from - 1));
  const bar = new cliProgress.SingleBar(
    { format: `${opts.kind} [{bar}] {percentage}% | {value}/{total} rows | {speed} rows/s | ETA {eta_formatted}` },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  const speed = (done) => Math.round(done / Math.max(0.001, (performance.now() - started) / 1000));
  const totals = { created: 0, updated: 0, unchanged: 0, calls: 0, maxDbQueries: 0 };
  const errors = [];
  let done = 0;
  if (!opts.quiet) bar.start(total, 0, { speed: 0 });
  const inFlight = [];
  const settle = async () => {
    const { batch, answer } = await inFlight.shift();
    tally(totals, batch, answer, errors);
    done += batch.lines.length;
    if (!opts.quiet) bar.update(Math.min(done, total), { speed: speed(done) });
  };
  try {
    for await (const batch of batches(file, size, from, toLine)) {
      const sent = send(batch, key).then((answer) => ({ batch, answer }));
      sent.catch(() => {}); // awaited in order by settle(); a later batch's failure must not crash first
      inFlight.push(sent);
      if (inFlight.length >= IN_FLIGHT) await settle();
    }
    while (inFlight.length > 0) await settle();
  } catch (error) {
    if (!opts.quiet) bar.stop();
    console.error(`import: failed at line ${error.first ?? from}: ${error.message}`);
    console.error(
      `import: nothing before line ${error.first ?? from} is lost; run again with --resume-from ${error.first ?? from}`,
    );
    process.exit(1);
  }
  if (!opts.quiet) bar.stop();
  report(totals, errors, done, started);
}

function report(totals, errors, done, started) {
  const seconds = (performance.now() - started) / 1000;
  if (opts.json) {
    const summary = {
      kind: opts.kind,
      rows: done,
      seconds,
      rows_per_s: done / seconds,
      refused: errors.length,
      first_refused: errors[0] ?? null,
    };
    console.log(JSON.stringify({ ...summary, ...totals }));
  }
  console.log(
    `${opts.kind}: ${done} rows in ${seconds.toFixed(1)} s (${Math.round(done / seconds)} rows/s): ` +
      `${totals.created} created, ${totals.updated} updated, ${totals.unchanged} unchanged, ${errors.length} refused`,
  );
  if (errors.length === 0) return;
  const out = `import-errors-${opts.kind}.ndjson`;
  writeFileSync(out, `${errors.map((e) => JSON.stringify(e)).join('\n')}\n`);
  for (const e of errors.slice(0, 10)) console.log(`  line ${e.line}: ${JSON.stringify(e.field_errors)}`);
  console.log(`  (all ${errors.length} refused lines in ${out})`);
}

if (opts['make-sample']) {
  const made = await makeSample({ dir: positionals[0] ?? '.', users: Number(opts['sample-users']) });
  console.log(
    `Wrote ${made.usersFile} (${made.users} users) and ${made.enrollmentsFile} (${made.enrollments} enrollments).`,
  );
  console.log(
    'Next: npm run import -- --kind users sample-users.csv && npm run import -- --kind enrollments sample-enrollments.csv',
  );
} else {
  if (!['users', 'enrollments'].includes(opts.kind)) fail('--kind users|enrollments is required');
  if (positionals.length !== 1) fail('one file to import, e.g. npm run import -- --kind users sample-users.csv');
  const [file] = positionals;
  // The sample a newcomer is told to import is generated on first use (--make-sample makes it explicitly).
  if (!existsSync(file) && /^sample-(users|enrollments)\.csv$/.test(basename(file))) {
    const made = await makeSample({ dir: dirname(file) });
    console.log(`Generated the sample export: ${made.usersFile}, ${made.enrollmentsFile}.`);
  }
  if (!existsSync(file)) fail(`no such file: ${file}`);
  await run(file);
}
