// CI check of the Node-side npm scripts (.ci/run step `scripts`), each on its own scratch state:
// - deploy refuses on the placeholder ids with no network call and no wrangler started; with real
//   ids (the commented wrangler.toml examples uncommented) it runs the remote migrations, then
//   `wrangler deploy`, passing --env on (child processes stubbed, see PRELOAD);
// - db:reset twice: the second leaves the freshly seeded state, whatever the demo wrote in between;
// - dev migrates a fresh state and serves offline (no 500 `no such table`, no Request.cf fetch);
// - the start banner does not print wrangler's "Ready on" line, which scripts wait for.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFFLINE_ENV, WRANGLER } from './local-d1.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'check-scripts-'));
let failures = 0;
function check(name, ok, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  if (!ok) {
    failures++;
    if (detail) console.log(detail.replace(/^/gm, '     '));
  }
}

// --- deploy -----------------------------------------------------------------------------------
// Loaded before deploy.mjs: any socket ends the process; spawnSync only reports what it would run.
const PRELOAD = join(scratch, 'stub.cjs');
writeFileSync(
  PRELOAD,
  `const cp = require('node:child_process');
require('node:net').Socket.prototype.connect = () => { console.log('STUB network'); process.exit(97); };
cp.spawn = () => { console.log('STUB spawn'); process.exit(97); };
cp.spawnSync = (cmd, args) => { console.log('STUB ' + require('node:path').basename(cmd) + ' ' + args.join(' ')); return { status: 0 }; };
require('node:module').syncBuiltinESMExports();
`,
);
const project = readFileSync('wrangler.toml', 'utf8');
const placeholders = project
  .replace(/^database_id = ".*"$/m, 'database_id = "00000000-0000-0000-0000-000000000000"')
  .replace(/^id = ".*"$/m, 'id = "00000000000000000000000000000000"');
// The examples at the end of wrangler.toml uncommented, every id a real-looking one.
const marker = project.indexOf('# --- Deploying under the LMS host');
const examples = (project.slice(0, marker) + project.slice(marker).replace(/^# (\[|[a-z_]+ = )/gm, '$1'))
  .replace(/^database_id = ".*"$/gm, () => 'database_id = "1b8ba3c4-9f3e-4c55-8a44-3e1f6c1d2a7b"')
  .replace(/^id = ".*"$/gm, () => 'id = "c0ffee00c0ffee00c0ffee00c0ffee00"');

// Each part gets its own scratch state, so the three run side by side.
function exec(cmd, args, options = {}) {
  return new Promise((ok) => {
    const child = spawn(cmd, args, { env: OFFLINE_ENV, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let [out, err] = ['', ''];
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (status) => ok({ status, out, err, all: `exit ${status}\n${out}${err}` }));
  });
}

function deploy(toml, args) {
  const dir = mkdtempSync(join(scratch, 'deploy-'));
  writeFileSync(join(dir, 'wrangler.toml'), toml);
  return exec(process.execPath, ['--require', PRELOAD, join(process.cwd(), 'scripts', 'deploy.mjs'), ...args], {
    cwd: dir,
  });
}
const spawned = (r) => r.out.match(/^STUB .*$/gm)?.join('\n') ?? '';

async function checkDeploy() {
  const [refused, noEnv, staging, topLevel] = await Promise.all([
    deploy(placeholders, []),
    deploy(placeholders, ['--env', 'staging']),
    deploy(examples, ['--env', 'staging']),
    deploy(examples, []),
  ]);
  return [
    [
      'deploy refuses on the placeholder ids, before any network call or wrangler',
      refused.status === 1 &&
        refused.err.includes('Refusing to deploy the Worker') &&
        refused.err.includes('D1 DB has the placeholder database_id') &&
        refused.err.includes('KV CACHE has the placeholder id') &&
        !refused.out.includes('STUB'),
      refused.all,
    ],
    [
      'deploy --env refuses an environment wrangler.toml does not have',
      noEnv.status === 1 && noEnv.err.includes('no [env.staging] section') && !noEnv.out.includes('STUB'),
      noEnv.all,
    ],
    [
      'deploy --env staging (examples uncommented, real ids): remote migrations, then wrangler deploy',
      staging.status === 0 &&
        spawned(staging) ===
          'STUB wrangler d1 migrations apply DB --remote --env staging\nSTUB wrangler deploy --env staging',
      staging.all,
    ],
    [
      'deploy without --env: the top-level Worker',
      topLevel.status === 0 &&
        spawned(topLevel) === 'STUB wrangler d1 migrations apply DB --remote\nSTUB wrangler deploy',
      topLevel.all,
    ],
  ];
}

// --- db:reset ---------------------------------------------------------------------------------
async function checkReset() {
  const state = join(scratch, 'reset-state');
  const local = ['--local', '--persist-to', state];
  const sql = async (command) => {
    const q = await exec(WRANGLER, ['d1', 'execute', 'DB', ...local, '--json', '--command', command]);
    if (q.status !== 0) throw new Error(`d1 execute failed: ${q.all}`);
    return JSON.parse(q.out).at(-1).results[0];
  };
  const SNAPSHOT = `SELECT (SELECT count(*) FROM course_runs) AS courses, (SELECT count(*) FROM enrollments) AS enrollments,
    (SELECT count(*) FROM enrollments e JOIN users u ON u.id = e.user_id WHERE u.username = 'alice') AS alice,
    (SELECT count(*) FROM program_enrollments) AS programs, (SELECT count(*) FROM events) AS events`;
  const reset = () => exec(process.execPath, ['scripts/db-reset.mjs', '--persist-to', state]);

  const first = await reset();
  const fresh = await sql(SNAPSHOT);
  // What the README and /docs demos leave behind: alice in `masters`, a program enrollment, cached course details.
  const dirty =
    await sql(`INSERT INTO enrollments (user_id, course_id, mode, is_active, changed_origin, created_at, updated_at)
    SELECT id, 'course-v1:OpenX+SelfPaced+2025', 'masters', 1, 'api', 0, 0 FROM users WHERE username = 'alice';
    INSERT INTO program_enrollments (program_uuid, curriculum_uuid, user_id, external_user_key, status, created_at, updated_at)
    SELECT '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', id, 'alice-key', 'enrolled', 0, 0
    FROM users WHERE username = 'alice';
    ${SNAPSHOT}`);
  const kvPut = await exec(WRANGLER, ['kv', 'key', 'put', 'check-scripts-marker', '1', '--binding', 'CACHE', ...local]);
  const kvBefore = existsSync(join(state, 'v3', 'kv'));
  const second = await reset();
  const again = await sql(SNAPSHOT);
  const detail = `fresh ${JSON.stringify(fresh)}\ndirty ${JSON.stringify(dirty)}\nagain ${JSON.stringify(again)}\nkv put: ${kvPut.all}\n${second.all}`;
  return [
    [
      'db:reset on an empty state: migrated and seeded',
      first.status === 0 && fresh.courses > 0,
      `${first.all}\n${JSON.stringify(fresh)}`,
    ],
    [
      'db:reset again: back to the seeded state (no masters enrollment, no program enrollment, no KV)',
      second.status === 0 &&
        dirty.alice === 1 &&
        dirty.programs === 1 &&
        kvBefore &&
        JSON.stringify(again) === JSON.stringify(fresh) &&
        !existsSync(join(state, 'v3', 'kv')),
      detail,
    ],
  ];
}

// --- dev --------------------------------------------------------------------------------------
// Below the ephemeral range (32768+): dev.mjs binds it only after the migrations, and a port the kernel
// hands out for `listen(0)` may be taken by another process's outgoing or ephemeral socket meanwhile.
const freePort = () =>
  new Promise((ok) => {
    const port = 20000 + Math.floor(Math.random() * 10000);
    const probe = createServer()
      .once('error', () => ok(freePort()))
      .listen(port, '127.0.0.1', () => probe.close(() => ok(port)));
  });

async function checkDev() {
  const [port, inspector] = [await freePort(), await freePort()];
  const args = [
    '--port',
    String(port),
    '--inspector-port',
    String(inspector),
    '--persist-to',
    join(scratch, 'dev-state'),
  ];
  const dev = spawn(process.execPath, ['scripts/dev.mjs', ...args, '--show-interactive-dev-session=false'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  dev.stdout.on('data', (d) => (output += d));
  dev.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 50_000;
  while (!output.includes(`Ready on http://127.0.0.1:${port}`) && dev.exitCode === null && Date.now() < deadline) {
    await new Promise((ok) => setTimeout(ok, 200));
  }
  let status = 0;
  try {
    status = (await fetch(`http://127.0.0.1:${port}/api/enrollment/v1/course/course-v1:edX+DemoX+Demo_Course`)).status;
  } catch {}
  const exited = new Promise((ok) => dev.once('exit', ok));
  for (const signal of ['SIGTERM', 'SIGKILL']) {
    try {
      process.kill(-dev.pid, signal); // the group: node, wrangler, workerd, esbuild
    } catch {}
    await Promise.race([exited, new Promise((ok) => setTimeout(ok, 2000))]);
  }
  // Unseeded, the demo course is unknown (400 "No course found"); unmigrated, it would be 500.
  return [
    [
      'dev on a fresh state: migrated (the unseeded demo course answers 400, not 500) and offline (no Request.cf fetch)',
      status === 400 && !output.includes('Request.cf'),
      `GET course details: ${status}\n${output}`,
    ],
  ];
}

// --- the start banner -------------------------------------------------------------------------
async function checkBanner() {
  const r = await exec(process.execPath, ['scripts/hello.mjs']);
  return [['the start banner does not say "Ready on http…"', r.status === 0 && !/Ready on http/.test(r.out), r.all]];
}

const results = await Promise.all([
  checkDeploy(),
  checkReset(),
  checkDev().then(async (dev) => [...dev, ...(await checkBanner())]),
]);
for (const [name, ok, detail] of results.flat()) check(name, ok, detail);
rmSync(scratch, { recursive: true, force: true });
console.log(failures === 0 ? 'scripts: all checks passed' : `scripts: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
