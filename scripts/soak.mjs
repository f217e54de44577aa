// `npm run soak`: a mixed workload against `wrangler dev` for SOAK_SECONDS (default 120), then
// invariants checked in D1 (issue 6, scope 6). Everything lives in a temporary directory: the
// Worker is bundled once (so edits made in the tree meanwhile do not reload it), its own
// wrangler.toml points at that bundle, and D1/KV persist there (the developer's .wrangler and
// .dev.vars are never read or touched). Only 127.0.0.1 is contacted. Exits 1 on any violation.
//
// Events (docs/events.md): a webhook subscription points at a local receiver that fails ~20% of
// attempts; afterwards every committed event must have reached it, and the feed must match the audit.
//
// SOAK_SECONDS (default 120), SOAK_CONCURRENCY (default 8), SOAK_KEEP=1 keeps the directory.
import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import {
  auditOf,
  compareFeedWithAudit,
  deliveriesIn,
  ENROLLMENT_TYPES,
  readFeed,
  startFlakyReceiver,
  sweep,
  waitForDeliveries,
} from './soak-events.mjs';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 8);
const ROOT = process.cwd();
const WRANGLER = join(ROOT, 'node_modules', '.bin', 'wrangler');
const ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true' };
const run = promisify(execFile);

const dir = mkdtempSync(join(tmpdir(), 'edx-soak-'));
const state = join(dir, 'state');
const secret = randomBytes(24).toString('hex');
const apiKey = randomBytes(24).toString('hex');
let server; // the wrangler dev child (its own process group)
let receiver; // the webhook receiver

const log = (...args) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}]`, ...args);

// ---- setup --------------------------------------------------------------------------------------

function soakConfig() {
  const project = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8');
  const vars = project.split(/^\[vars\]\s*$/m)[1]?.split(/^\[/m)[0] ?? '';
  const compat = /compatibility_date\s*=\s*"([^"]+)"/.exec(project)?.[1] ?? '2026-04-20';
  // The EVENTS queue and its consumers, as the project declares them (wrangler dev runs them locally).
  const queues = project
    .split(/^(?=\[)/m)
    .filter((table) => table.startsWith('[[queues.'))
    .map((table) => table.replace(/^#.*\n/gm, '').trim())
    .join('\n\n');
  return `name = "edx-enrollment-edge-soak"
main = "dist/index.js"
compatibility_date = "${compat}"
no_bundle = true

[[d1_databases]]
binding = "DB"
database_name = "enrollment"
database_id = "00000000-0000-0000-0000-000000000000"
migrations_dir = ${JSON.stringify(join(ROOT, 'migrations'))}

[[kv_namespaces]]
binding = "CACHE"
id = "00000000000000000000000000000000"

${queues}

[vars]
${vars.trim()}
`;
}

async function wrangler(args) {
  return run(WRANGLER, args, { cwd: dir, env: ENV, maxBuffer: 64 * 1024 * 1024 });
}

function freePort() {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });
}

async function startServer() {
  const [port, inspector] = [await freePort(), await freePort()];
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector)];
  args.push('--persist-to', state, '--env-file', join(dir, 'soak.env'), '--log-level', 'warn');
  args.push('--show-interactive-dev-session=false');
  server = spawn(WRANGLER, args, { cwd: dir, env: ENV, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout.on('data', (d) => {
    output += d;
  });
  server.stderr.on('data', (d) => {
    output += d;
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`wrangler dev exited (${server.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${base}/health`)).ok) return base;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not answer /health within 90 s:\n${output}`);
}

async function stopServer() {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  try {
    process.kill(-server.pid, 'SIGTERM'); // the whole group: wrangler, its workerd and esbuild
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {}
  }, 5000);
  await exited;
  clearTimeout(timer);
  // workerd children may outlive the wrangler parent by a moment.
  try {
    process.kill(-server.pid, 'SIGKILL');
  } catch {}
}

/** `wrangler d1 execute` against the soak's own local D1. */
const d1Execute = (...args) => wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', state, ...args]);

async function query(sql) {
  const { stdout } = await d1Execute('--json', '--command', sql);
  return JSON.parse(stdout).map((r) => r.results);
}

// ---- the client side ----------------------------------------------------------------------------

const encoder = new TextEncoder();
const jwt = (username, administrator = false) =>
  new SignJWT({ preferred_username: username, email: `${username}@soak.example`, administrator })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('http://localhost:18000/oauth2')
    .setAudience('lms-key')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(encoder.encode(secret));

const stats = { sent: 0, byStatus: {}, byOp: {}, serverErrors: [], networkErrors: [], latencies: [] };

async function request(base, op, method, path, { headers = {}, json } = {}) {
  const started = performance.now();
  const init = { method, headers: { ...headers } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(`${base}${path}`, init);
  } catch (error) {
    stats.networkErrors.push(`${op} ${method} ${path}: ${error.message}`);
    return { status: 0, body: null };
  }
  const text = await res.text();
  stats.latencies.push(performance.now() - started);
  stats.sent += 1;
  stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
  stats.byOp[op] = (stats.byOp[op] ?? 0) + 1;
  if (res.status >= 500) stats.serverErrors.push(`${op} ${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    stats.serverErrors.push(`${op} ${method} ${path} → ${res.status} non-JSON: ${text.slice(0, 100)}`);
  }
  return { status: res.status, body };
}

/**
 * What the database must hold afterwards, updated from the answers. Requests touching the same
 * (user, course) pair never overlap (pair locks), so each answer's before/after is exact.
 */
const model = {
  enrollments: new Map(), // "user|course" → { active }
  audits: new Map(), // course → expected audit records
  allowances: new Set(), // "email|course"
  programEnrollments: new Set(), // "uuid|key"
  courseModes: new Map(), // course → slugs of the last accepted PUT
};
const locks = new Set();
const bump = (map, key, by = 1) => map.set(key, (map.get(key) ?? 0) + by);
const pick = (list) => list[Math.floor(Math.random() * list.length)];

async function withLocks(keys, work) {
  if (keys.some((k) => locks.has(k))) return false;
  for (const k of keys) locks.add(k);
  try {
    await work();
  } finally {
    for (const k of keys) locks.delete(k);
  }
  return true;
}

// ---- main -----------------------------------------------------------------------------------------

async function main() {
  log(`temporary state in ${dir}`);
  writeFileSync(join(dir, 'wrangler.toml'), soakConfig());
  writeFileSync(
    join(dir, 'soak.env'),
    // A 1 s retry base (instead of 30) so the receiver's failures are retried within the soak.
    `JWT_SECRET_KEY=${secret}\nEDX_API_KEY=${apiKey}\nRATE_LIMIT_ENABLED=false\nTRUST_COUNTRY_HEADER=true\n` +
      'WEBHOOK_ALLOW_HTTP=true\nWEBHOOK_BACKOFF_SECONDS=1\n',
  );
  log('bundling the Worker');
  await run(WRANGLER, ['deploy', '--dry-run', '--outdir', join(dir, 'dist')], { cwd: ROOT, env: ENV });
  log('applying migrations and the demo seed to the temporary D1');
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state]);
  await d1Execute('--file', join(ROOT, 'scripts', 'seed-local.sql'));
  const base = await startServer();
  log(`wrangler dev on ${base}`);

  const key = { 'X-Edx-Api-Key': apiKey };
  const must = async (what, res, ok = [200, 201]) => {
    if (!ok.includes(res.status)) throw new Error(`setup ${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };

  // Provisioned world: 6 courses, 60 learners with tokens, a staff user; a program when served.
  const modeSet = (i) =>
    [{ slug: 'audit', name: 'Audit' }, ...(i % 2 ? [{ slug: 'verified', name: 'Verified', min_price: 49 }] : [])].map(
      (m) => ({ min_price: 0, ...m }),
    );
  const courseBody = (name, i) => ({
    course_name: name,
    course_start: '2030-01-01T00:00:00Z',
    course_end: null,
    enrollment_start: null,
    enrollment_end: null,
    invite_only: false,
    modes: modeSet(i),
  });
  const courses = Array.from({ length: 6 }, (_, i) => `course-v1:SoakX+C${i}+2030`);
  for (const [i, id] of courses.entries()) {
    await must(
      `course ${id}`,
      await request(base, 'setup', 'PUT', `/api/admin/v1/courses/${id}`, {
        headers: key,
        json: courseBody(`Soak ${i}`, i),
      }),
    );
    model.courseModes.set(
      id,
      modeSet(i).map((m) => m.slug),
    );
  }
  const learners = [];
  for (let i = 0; i < 60; i++) {
    const username = `soak_l${i}`;
    await must(
      `user ${username}`,
      await request(base, 'setup', 'PUT', `/api/admin/v1/users/${username}`, {
        headers: key,
        json: { email: `${username}@soak.example` },
      }),
    );
    learners.push({ username, headers: { Authorization: `JWT ${await jwt(username)}` } });
  }
  await must(
    'staff',
    await request(base, 'setup', 'PUT', '/api/admin/v1/users/soak_staff', {
      headers: key,
      json: { email: 'soak_staff@soak.example', is_staff: true },
    }),
  );
  const staff = { Authorization: `JWT ${await jwt('soak_staff', true)}` };
  const programUuid = randomUUID();
  const curriculum = randomUUID();
  const org = await request(base, 'setup', 'PUT', '/api/admin/v1/organizations/SoakX', {
    headers: key,
    json: { name: 'Soak University', sso_provider_slug: 'soakx-sso' },
  });
  const programs = org.status === 201 || org.status === 200;
  if (programs) {
    await must(
      'program',
      await request(base, 'setup', 'PUT', `/api/admin/v1/programs/${programUuid}`, {
        headers: key,
        json: {
          title: 'Soak Masters',
          type: 'Masters',
          marketing_slug: 'soak-masters',
          authoring_organizations: [{ key: 'SoakX' }],
          curricula: [
            { uuid: curriculum, is_active: true, courses: courses.map((k) => ({ key: k, course_runs: [{ key: k }] })) },
          ],
        },
      }),
    );
  } else {
    log(`program endpoints not served (PUT /organizations → ${org.status}): program writes skipped`);
  }
  // The subscription receives what commits after it is created: everything after the feed's head now.
  const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
  receiver = await startFlakyReceiver(webhookSecret);
  const feedHead = (await readFeed(base, apiKey, 0)).last;
  await must(
    'webhook subscription',
    await request(base, 'setup', 'PUT', '/api/admin/v1/webhooks/soak', {
      headers: key,
      json: { url: receiver.url, event_types: ['*'], secret: webhookSecret },
    }),
  );
  log(`webhook subscription "soak" → ${receiver.url} (fails ~20% of attempts), feed head ${feedHead}`);
  for (const k of Object.keys(stats.byOp)) delete stats.byOp[k];
  stats.sent = 0;
  stats.byStatus = {};
  stats.latencies = [];

  // Operations, by weight. Each returns false when its resources are busy (another is picked).
  const pair = (u, c) => `${u}|${c}`;
  const changeEnrollment = (username, course, active, via) => {
    const k = pair(username, course);
    const before = model.enrollments.get(k);
    const changed = !before || before.active !== active;
    model.enrollments.set(k, { active });
    if (changed || via === 'key') bump(model.audits, course); // the API key is audited on every call
  };
  const ops = [
    [
      20,
      'read course details',
      async () => {
        const res = await request(base, 'read course details', 'GET', `/api/enrollment/v1/course/${pick(courses)}`);
        return res;
      },
    ],
    [
      10,
      'read own enrollments',
      async () => {
        const l = pick(learners);
        await request(base, 'read own enrollments', 'GET', '/api/enrollment/v1/enrollment', { headers: l.headers });
      },
    ],
    [
      18,
      'learner enrolls',
      async () => {
        const l = pick(learners);
        const course = pick(courses);
        return withLocks([pair(l.username, course)], async () => {
          const res = await request(base, 'learner enrolls', 'POST', '/api/enrollment/v1/enrollment', {
            headers: l.headers,
            json: { course_details: { course_id: course } },
          });
          if (res.status === 200) changeEnrollment(l.username, course, res.body.is_active, 'learner');
        });
      },
    ],
    [
      10,
      'staff (un)enrolls',
      async () => {
        const l = pick(learners);
        const course = pick(courses);
        const active = Math.random() < 0.5;
        return withLocks([pair(l.username, course)], async () => {
          const res = await request(base, 'staff (un)enrolls', 'POST', '/api/enrollment/v1/enrollment', {
            headers: staff,
            json: { user: l.username, mode: 'audit', is_active: active, course_details: { course_id: course } },
          });
          if (res.status === 200) changeEnrollment(l.username, course, res.body.is_active, 'staff');
        });
      },
    ],
    [
      6,
      'API key enrolls',
      async () => {
        const l = pick(learners);
        const course = pick(courses);
        return withLocks([pair(l.username, course)], async () => {
          const res = await request(base, 'API key enrolls', 'POST', '/api/enrollment/v1/enrollment', {
            headers: key,
            json: { user: l.username, course_details: { course_id: course } },
          });
          if (res.status === 200) changeEnrollment(l.username, course, res.body.is_active, 'key');
        });
      },
    ],
    [
      8,
      'bulk',
      async () => {
        const course = pick(courses);
        const chosen = [...new Set(Array.from({ length: 5 }, () => pick(learners).username))];
        const invitees = Array.from({ length: 2 }, () => `soak_new${Math.floor(Math.random() * 40)}@soak.example`);
        const action = Math.random() < 0.6 ? 'enroll' : 'unenroll';
        const keys = [...chosen.map((u) => pair(u, course)), ...invitees.map((e) => pair(e, course))];
        return withLocks(keys, async () => {
          const res = await request(base, 'bulk', 'POST', '/api/bulk_enroll/v1/bulk_enroll/', {
            headers: staff,
            json: { identifiers: [...chosen, ...invitees].join(','), courses: course, action, auto_enroll: false },
          });
          if (res.status !== 200) return;
          for (const r of res.body.courses[course].results) {
            if (!r.after) continue;
            bump(model.audits, course);
            const k = pair(r.identifier, course);
            // Unenrolling someone without a row creates none.
            if (r.after.user && (r.after.enrollment || model.enrollments.has(k))) {
              model.enrollments.set(k, { active: r.after.enrollment });
            }
            if (!r.after.user) {
              if (r.after.allowed) model.allowances.add(pair(r.identifier, course));
              else model.allowances.delete(pair(r.identifier, course));
            }
          }
        });
      },
    ],
    [
      8,
      'program write',
      async () => {
        if (!programs) return;
        const keys = Array.from({ length: 3 }, () => `soak-key-${Math.floor(Math.random() * 300)}`);
        const unique = [...new Set(keys)];
        return withLocks(
          unique.map((k) => `program|${k}`),
          async () => {
            const method = pick(['POST', 'PUT', 'PATCH']);
            const res = await request(
              base,
              'program write',
              method,
              `/api/program_enrollments/v1/programs/${programUuid}/enrollments/`,
              {
                headers: staff,
                json: keys.map((k) => ({
                  student_key: k,
                  status: pick(['enrolled', 'pending', 'suspended']),
                  curriculum_uuid: curriculum,
                })),
              },
            );
            if (![200, 201, 207, 422].includes(res.status)) return;
            for (const [k, result] of Object.entries(res.body)) {
              if (['enrolled', 'pending', 'suspended', 'canceled'].includes(result))
                model.programEnrollments.add(`${programUuid}|${k}`);
            }
          },
        );
      },
    ],
    [
      4,
      'program read',
      async () => {
        if (!programs) return;
        await request(
          base,
          'program read',
          'GET',
          `/api/program_enrollments/v1/programs/${programUuid}/enrollments/?page_size=50`,
          { headers: staff },
        );
      },
    ],
    [
      6,
      'provisioning',
      async () => {
        const i = Math.floor(Math.random() * courses.length);
        const course = courses[i];
        return withLocks([`course|${course}`], async () => {
          const res = await request(base, 'provisioning', 'PUT', `/api/admin/v1/courses/${course}`, {
            headers: key,
            json: courseBody(`Soak ${i} v${Date.now()}`, Math.floor(Math.random() * 2)),
          });
          if (res.status === 200)
            model.courseModes.set(
              course,
              res.body.modes.map((m) => m.slug),
            );
        });
      },
    ],
    [
      4,
      'admin reads',
      async () => {
        if (Math.random() < 0.5)
          await request(
            base,
            'admin reads',
            'GET',
            `/api/enrollment/v1/enrollments/?course_id=${encodeURIComponent(pick(courses))}&page_size=20`,
            { headers: staff },
          );
        else
          await request(
            base,
            'admin reads',
            'GET',
            `/api/admin/v1/audit/manual-enrollments?course_id=${encodeURIComponent(pick(courses))}`,
            { headers: key },
          );
      },
    ],
  ];
  const total = ops.reduce((n, [w]) => n + w, 0);
  const choose = () => {
    let r = Math.random() * total;
    for (const op of ops) {
      r -= op[0];
      if (r < 0) return op;
    }
    return ops[0];
  };

  log(`workload: ${SECONDS} s, ${CONCURRENCY} concurrent clients`);
  const started = Date.now();
  const end = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        for (let attempt = 0; attempt < 10; attempt++) {
          if ((await choose()[2]()) !== false) break;
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;

  // ---- events (the server still runs) -----------------------------------------------------------
  const violations = [];
  log('waiting for every committed event to reach the webhook receiver');
  const delivery = await waitForDeliveries(base, apiKey, receiver, feedHead, 180_000);
  if (delivery.missing.length) {
    const sample = delivery.missing.slice(0, 5).map((e) => `#${e.seq} ${e.type}`);
    violations.push(`${delivery.missing.length} events never delivered after 180 s, e.g. ${sample.join(', ')}`);
  }
  // The cron once more, with nothing left to do: it must answer, and deliver nothing twice.
  const sweepError = await sweep(base);
  for (const error of [...delivery.sweepErrors, ...(sweepError ? [sweepError] : [])])
    violations.push(`cron handler: ${error}`);
  if (receiver.stats.badSignatures.length)
    violations.push(`${receiver.stats.badSignatures.length} bad signatures, e.g. ${receiver.stats.badSignatures[0]}`);
  for (const status of ['failed', 'pending']) {
    const left = await deliveriesIn(base, apiKey, 'soak', status);
    if (left.length) violations.push(`${left.length} deliveries ${status}, e.g. ${JSON.stringify(left[0])}`);
  }
  const emails = learners.map((l) => `${l.username}@soak.example`);
  let enrollmentEvents = 0;
  for (const course of courses) {
    const filters = { course_id: course, type: ENROLLMENT_TYPES.join(',') };
    const { events } = await readFeed(base, apiKey, feedHead, filters);
    enrollmentEvents += events.length;
    violations.push(...compareFeedWithAudit(course, events, await auditOf(base, apiKey, course, emails)));
  }

  await stopServer();
  log('server stopped; checking invariants in D1');

  // ---- invariants -------------------------------------------------------------------------------
  const inList = (list) => list.map((s) => `'${s.replaceAll("'", "''")}'`).join(',');
  const [dupes, rows, audits, allowances, programRows, modes] = await query(
    [
      'SELECT user_id, course_id, count(*) AS n FROM enrollments GROUP BY user_id, course_id HAVING count(*) > 1',
      `SELECT u.username, e.course_id, e.is_active, e.id,
         (SELECT count(*) FROM enrollment_audit a WHERE a.enrollment_id = e.id) AS audits,
         (SELECT a.state_transition FROM enrollment_audit a WHERE a.course_id = e.course_id AND a.enrolled_email = u.email ORDER BY a.id DESC LIMIT 1) AS last
       FROM enrollments e JOIN users u ON u.id = e.user_id WHERE e.course_id IN (${inList(courses)})`,
      `SELECT course_id, count(*) AS n FROM enrollment_audit WHERE course_id IN (${inList(courses)}) GROUP BY course_id`,
      `SELECT email, course_id FROM enrollment_allowances WHERE course_id IN (${inList(courses)})`,
      programs
        ? `SELECT external_user_key AS k FROM program_enrollments WHERE program_uuid = '${programUuid}'`
        : 'SELECT 1 AS k WHERE 0',
      `SELECT course_id, group_concat(slug, ',') AS slugs FROM (SELECT * FROM course_modes WHERE course_id IN (${inList(courses)}) ORDER BY course_id, position) GROUP BY course_id`,
    ].join(';\n'),
  );

  if (stats.serverErrors.length)
    violations.push(`${stats.serverErrors.length} 5xx/non-JSON answers, e.g. ${stats.serverErrors[0]}`);
  if (stats.networkErrors.length)
    violations.push(`${stats.networkErrors.length} network errors, e.g. ${stats.networkErrors[0]}`);
  if (dupes.length) violations.push(`duplicate (user, course) enrollment rows: ${JSON.stringify(dupes.slice(0, 5))}`);

  const stored = new Map(rows.map((r) => [pair(r.username, r.course_id), r]));
  for (const [k, expected] of model.enrollments) {
    const row = stored.get(k);
    if (!row) violations.push(`enrollment ${k}: answered but not stored`);
    else if (Boolean(row.is_active) !== expected.active)
      violations.push(`enrollment ${k}: stored is_active=${row.is_active}, last answer ${expected.active}`);
  }
  for (const [k, row] of stored) {
    if (!model.enrollments.has(k)) violations.push(`enrollment ${k}: stored but never answered`);
    if (row.audits < 1) violations.push(`enrollment ${k}: no audit record points at it`);
    const to = row.is_active ? ' to enrolled' : ' to unenrolled';
    if (!row.last?.endsWith(to)) violations.push(`enrollment ${k}: last audit "${row.last}" does not end "${to}"`);
  }
  const auditCounts = new Map(audits.map((r) => [r.course_id, r.n]));
  for (const course of courses) {
    const expected = model.audits.get(course) ?? 0;
    const actual = auditCounts.get(course) ?? 0;
    if (expected !== actual)
      violations.push(`audit records of ${course}: ${actual} stored, ${expected} expected from the answers`);
  }
  const storedAllowances = new Set(allowances.map((r) => pair(r.email, r.course_id)));
  if (storedAllowances.size !== model.allowances.size || [...model.allowances].some((k) => !storedAllowances.has(k))) {
    violations.push(`allowances: ${storedAllowances.size} stored, ${model.allowances.size} expected`);
  }
  const storedKeys = new Set(programRows.map((r) => `${programUuid}|${r.k}`));
  if (programs && (storedKeys.size !== model.programEnrollments.size || programRows.length !== storedKeys.size)) {
    violations.push(`program enrollments: ${programRows.length} stored, ${model.programEnrollments.size} expected`);
  }
  for (const r of modes) {
    const expected = model.courseModes.get(r.course_id)?.join(',');
    if (r.slugs !== expected)
      violations.push(`modes of ${r.course_id}: ${r.slugs}, last accepted PUT sent ${expected}`);
  }

  // ---- summary ----------------------------------------------------------------------------------
  const sorted = stats.latencies.sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]?.toFixed(1);
  const auditTotal = [...auditCounts.values()].reduce((a, b) => a + b, 0);
  console.log(
    [
      '',
      `soak: ${elapsed.toFixed(0)} s, ${CONCURRENCY} clients, ${stats.sent} requests (${(stats.sent / elapsed).toFixed(1)} req/s), latency p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms`,
      `  statuses: ${Object.entries(stats.byStatus)
        .map(([s, n]) => `${s}×${n}`)
        .join(', ')}`,
      `  by operation: ${Object.entries(stats.byOp)
        .map(([o, n]) => `${o} ${n}`)
        .join(', ')}`,
      `  stored: ${rows.length} enrollments (${rows.filter((r) => r.is_active).length} active), ${auditTotal} audit records, ${allowances.length} allowances, ${programs ? `${programRows.length} program enrollments` : 'programs skipped'}`,
      `  events: ${delivery.events.length} committed (${enrollmentEvents} enrollment events compared with the audit), ${receiver.delivered.size} delivered; receiver: ${receiver.stats.attempts} attempts, ${receiver.stats.failed} answered 500, ${receiver.stats.duplicates} duplicates; cron run ${delivery.sweeps} times while waiting, once after`,
      `  5xx: ${Object.entries(stats.byStatus)
        .filter(([s]) => Number(s) >= 500)
        .reduce((n, [, c]) => n + c, 0)}, network errors: ${stats.networkErrors.length}`,
      violations.length
        ? `VIOLATIONS (${violations.length}):\n  - ${violations.slice(0, 30).join('\n  - ')}`
        : 'invariants: all hold',
    ].join('\n'),
  );
  return violations.length === 0;
}

let ok = false;
const cleanup = async () => {
  await stopServer();
  await receiver?.close();
  if (process.env.SOAK_KEEP) log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
};
process.on('SIGINT', async () => {
  await cleanup();
  process.exit(130);
});
try {
  ok = await main();
} catch (error) {
  console.error(`soak failed: ${error.stack ?? error}`);
} finally {
  await cleanup();
}
process.exit(ok ? 0 : 1);
