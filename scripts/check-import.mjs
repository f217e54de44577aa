// CI check of `npm run import` (.ci/run step `import`, ~30 s): the export-row mapping, a small sample
// imported into `wrangler dev` on a scratch state (several batches), a re-run from --resume-from,
// and exit 1 naming the line to resume from on a refused connection and on a failed batch.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enrollmentLine, toBoolean, toDateTime, userLine } from './import/rows.mjs';
import { migrate, OFFLINE_ENV, seed, WRANGLER } from './local-d1.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'check-import-'));
let failures = 0;
function check(name, ok, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  if (!ok) {
    failures++;
    if (detail) console.log(String(detail).replace(/^/gm, '     '));
  }
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// --- the mapping of export rows ---------------------------------------------------------------
check(
  'booleans: 1/0, t/f, True/False',
  same(['1', 't', 'True', '0', 'f', 'False'].map(toBoolean), [true, true, true, false, false, false]),
);
check(
  'MySQL datetimes read as UTC; zoned ones kept',
  toDateTime('2019-09-01 10:00:00.123456') === '2019-09-01T10:00:00.123Z' &&
    toDateTime('2019-09-01T10:00:00+02:00') === '2019-09-01T10:00:00+02:00',
);
check(
  'auth_user columns → a users line',
  same(
    userLine({
      id: '7',
      username: 'ann',
      email: 'a@x.org',
      first_name: 'Ann',
      last_name: 'Lee',
      is_staff: '0',
      is_superuser: '0',
      is_active: '1',
      password: 'x',
    }),
    {
      username: 'ann',
      email: 'a@x.org',
      name: 'Ann Lee',
      is_staff: false,
      is_superuser: false,
      is_active: true,
    },
  ),
);
check(
  'student_courseenrollment with user_id → username through --users',
  same(
    enrollmentLine(
      {
        id: '1',
        user_id: '7',
        course_id: 'course-v1:a+b+c',
        mode: 'honor',
        is_active: '1',
        created: '2020-01-02 03:04:05',
      },
      new Map([['7', 'ann']]),
    ),
    {
      username: 'ann',
      course_id: 'course-v1:a+b+c',
      mode: 'honor',
      is_active: true,
      created: '2020-01-02T03:04:05Z',
    },
  ),
);

function run(args) {
  return new Promise((ok) => {
    const child = spawn(process.execPath, ['scripts/import.mjs', ...args], {
      env: OFFLINE_ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (status) => ok({ status, out }));
  });
}

const port = (server) => new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server.address().port)));
/** A port nothing listens on (found by listening, then closing). */
const freePort = async () => {
  const probe = createServer();
  const found = await port(probe);
  await new Promise((ok) => probe.close(ok));
  return found;
};

// --- against the Worker -----------------------------------------------------------------------
async function checkAgainstWorker() {
  const state = ['--persist-to', join(scratch, 'state')];
  migrate(state);
  seed(state);
  const free = await freePort();
  const dev = spawn(
    WRANGLER,
    ['dev', '--port', String(free), '--inspector-port', '0', ...state, '--show-interactive-dev-session=false'],
    {
      env: OFFLINE_ENV,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = `http://127.0.0.1:${free}`;
  try {
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`${url}/health`).catch(() => null))?.ok) break;
      await new Promise((ok) => setTimeout(ok, 300));
    }
    await run(['--make-sample', '--sample-users', '200', scratch]);
    const common = ['--url', url, '--batch', '150', '--quiet'];
    const users = await run([...common, '--kind', 'users', join(scratch, 'sample-users.csv')]);
    check(
      'users sample: 200 created over two batches',
      users.status === 0 && /200 rows .*200 created/.test(users.out),
      users.out,
    );
    const enrollments = await run([...common, '--kind', 'enrollments', join(scratch, 'sample-enrollments.csv')]);
    check(
      'enrollments sample: 1000 created',
      enrollments.status === 0 && /1000 rows .*1000 created/.test(enrollments.out),
      enrollments.out,
    );
    const resumed = await run([
      ...common,
      '--kind',
      'enrollments',
      '--resume-from',
      '902',
      join(scratch, 'sample-enrollments.csv'),
    ]);
    check(
      '--resume-from 902: the last 100 rows, all unchanged',
      resumed.status === 0 && /100 rows .*0 created, 0 updated, 100 unchanged/.test(resumed.out),
      resumed.out,
    );
  } finally {
    try {
      process.kill(-dev.pid, 'SIGKILL');
    } catch {}
  }
}

// --- transport errors -------------------------------------------------------------------------
async function checkFailures() {
  const closed = await freePort();
  const refused = await run([
    '--url',
    `http://127.0.0.1:${closed}`,
    '--key',
    'k',
    '--quiet',
    '--kind',
    'users',
    join(scratch, 'sample-users.csv'),
  ]);
  check(
    'a refused connection: exit 1, resume from line 2',
    refused.status === 1 && /--resume-from 2\b/.test(refused.out),
    refused.out,
  );
  let calls = 0;
  const flaky = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls += 1;
      const ok = calls === 1;
      res.writeHead(ok ? 200 : 503, { 'Content-Type': 'application/json' });
      res.end(
        ok ? JSON.stringify({ created: 150, updated: 0, unchanged: 0, errors: [] }) : '{"error_code":"unavailable"}',
      );
    });
  });
  const flakyPort = await port(flaky);
  const failed = await run([
    '--url',
    `http://127.0.0.1:${flakyPort}`,
    '--key',
    'k',
    '--quiet',
    '--batch',
    '150',
    '--kind',
    'users',
    join(scratch, 'sample-users.csv'),
  ]);
  flaky.close();
  check(
    'a failed second batch: exit 1, resume from its first line (152)',
    failed.status === 1 && /failed at line 152: HTTP 503/.test(failed.out) && /--resume-from 152\b/.test(failed.out),
    failed.out,
  );
}

await checkAgainstWorker();
await checkFailures();
rmSync(scratch, { recursive: true, force: true });
console.log(failures === 0 ? 'import: all checks passed' : `import: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
