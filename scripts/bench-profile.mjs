// `npm run bench:profile`: where a request's time goes, for the benchmark's read paths.
// Runs the bare Worker and the service on direct Miniflare (as `npm run bench` does), then per path:
//   1. CPU per request of the runtime (workerd's utime+stime over a fixed load, no profiler attached)
//      — far steadier than req/s on a shared 2-core machine, and what the req/s ratios come down to;
//   2. optionally (PROFILE_CPU=1) a V8 CPU profile over the inspector, top functions by self time.
// Env: PROFILE_SECONDS (5), PROFILE_ROUNDS (1), PROFILE_PATHS (comma-separated names below), PROFILE_CPU (0),
// PROFILE_TARGET (`d1`: profile the D1 simulator's isolate instead of the Worker's), PROFILE_EVENTS
// (events in the log for the feed pages, default 100000).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { runLoad } from './bench/load.mjs';
import {
  applyMigrations,
  courseId,
  emailOf,
  LEARNER,
  lastFeedAfter,
  seedBare,
  seedEvents,
  seedService,
} from './bench/seed.mjs';
import { buildWorkers, signToken, startWorker } from './bench/servers.mjs';

const seconds = Number(process.env.PROFILE_SECONDS ?? 5);
const profileCpu = process.env.PROFILE_CPU === '1';
const state = mkdtempSync(join(tmpdir(), 'edx-profile-'));
const TICK_MS = 1000 / 100; // USER_HZ

/**
 * utime+stime (ms) of this process's workerd children (Miniflare's runtimes). Only children: on a
 * shared machine other workerd processes (someone's test run) would be counted too.
 */
function workerdCpuMs() {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!name.startsWith('workerd')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== process.pid) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // process went away
    }
  }
  return ticks * TICK_MS;
}

async function inspector(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  // PROFILE_TARGET=d1 profiles the D1 simulator's isolate (a Durable Object) instead of the Worker.
  const wanted = process.env.PROFILE_TARGET === 'd1' ? /^d1:db:.+-db$/ : /^core:user:/;
  const target = targets.find((t) => wanted.test(t.id)) ?? targets[0];
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let id = 0;
  const pending = new Map();
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.id && pending.has(message.id)) {
      pending.get(message.id)(message);
      pending.delete(message.id);
    }
  });
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      id += 1;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => ws.close() };
}

function topFunctions(profile, requests, limit = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const parents = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n);
  const dt = profile.timeDeltas;
  let total = 0;
  profile.samples.forEach((nodeId, i) => {
    const node = byId.get(nodeId);
    const f = node.callFrame;
    const name = (n) =>
      `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
    let key = name(node);
    if (!f.url) {
      const parent = parents.get(node.id);
      if (parent) key += ` ← ${name(parent)}`;
    }
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
    total += dt[i] ?? 0;
  });
  // Inclusive time of the Worker's own functions (a sample counts once per function on its stack).
  const inclusive = new Map();
  profile.samples.forEach((nodeId, i) => {
    const seen = new Set();
    for (let node = byId.get(nodeId); node; node = parents.get(node.id)) {
      const f = node.callFrame;
      if (!f.url || f.url.includes('cloudflare-internal') || f.url.includes('node-internal')) continue;
      const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + (dt[i] ?? 0));
    }
  });
  const idle = [...self.entries()].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, us]) => a + us, 0);
  const line = ([key, us]) =>
    `${((100 * us) / total).toFixed(1).padStart(5)}% ${(us / requests).toFixed(1).padStart(6)} µs/req  ${key}`;
  const top = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(line);
  return [
    `sampled busy time in this isolate (wall clock, profiler on): ${((total - idle) / requests).toFixed(0)} µs per request`,
    'self time:',
    ...top(self),
    'inclusive (Worker code):',
    ...top(inclusive),
  ];
}

async function main() {
  const { serviceScript, bareScript, config, bareConfig, vars } = buildWorkers(state, { minify: !profileCpu });
  const workers = [];
  try {
    const bare = await startWorker({
      name: 'bare',
      scriptPath: bareScript,
      bindings: {},
      ...bareConfig,
      stateDir: join(state, 'bare'),
      inspectorPort: profileCpu ? 9330 : undefined,
    });
    workers.push(bare);
    const service = await startWorker({
      name: 'service',
      scriptPath: serviceScript,
      bindings: vars,
      compatibilityDate: config.compatibilityDate,
      compatibilityFlags: config.compatibilityFlags,
      stateDir: join(state, 'service'),
      inspectorPort: profileCpu ? 9329 : undefined,
    });
    workers.push(service);
    await seedBare(bare.db, bare.kv);
    await applyMigrations(service.db);
    await seedService(service.db, 10_000, () => {});
    await seedEvents(service.db, Number(process.env.PROFILE_EVENTS ?? 100_000), () => {});
    const feed = (after) => [
      service.origin,
      `/api/events/v1/changes?after=${after}&limit=1000`,
      { 'x-edx-api-key': vars.EDX_API_KEY },
    ];
    const token = await signToken(vars, LEARNER, emailOf(LEARNER));
    const paths = {
      bare: [bare.origin, '/bare'],
      bare_d1: [bare.origin, '/bare/d1'],
      health: [service.origin, '/health'],
      course_details_hit: [service.origin, `/api/enrollment/v1/course/${courseId(0)}`],
      enrollment_get: [
        service.origin,
        `/api/enrollment/v1/enrollment/${LEARNER},${courseId(0)}`,
        { authorization: `JWT ${token}` },
      ],
      events_feed_page_first: feed(0),
      events_feed_page_last: feed(await lastFeedAfter(service.db, 1000)),
    };
    const wanted = (process.env.PROFILE_PATHS ?? Object.keys(paths).join(',')).split(',');
    const debugService = profileCpu ? await inspector(9329) : null;
    const debugBare = profileCpu ? await inspector(9330) : null;
    const rounds = Number(process.env.PROFILE_ROUNDS ?? 1);
    for (let round = 0; round < rounds; round += 1)
      for (const name of wanted) {
        const [origin, path, headers = {}] = paths[name];
        const scenario = { origin, next: () => ({ method: 'GET', path, headers }) };
        if (round === 0) await runLoad(scenario, { seconds: 2, connections: 16, label: `warm ${name}` });
        const cpuBefore = workerdCpuMs();
        const nodeBefore = process.cpuUsage();
        const result = await runLoad(scenario, { seconds, connections: 16, label: name });
        const workerdMs = workerdCpuMs() - cpuBefore;
        const node = process.cpuUsage(nodeBefore);
        const perRequest = (ms) => ((1000 * ms) / result.completed).toFixed(0).padStart(4);
        console.log(
          `${name.padEnd(20)} ${result.rps.toFixed(0).padStart(5)} req/s  workerd ${perRequest(workerdMs)} µs/req  node ${perRequest((node.user + node.system) / 1000)} µs/req  non2xx ${result.non2xx}`,
        );
        const debug = origin === service.origin ? debugService : debugBare;
        if (debug) {
          await debug.send('Profiler.enable');
          await debug.send('Profiler.setSamplingInterval', { interval: 50 });
          await debug.send('Profiler.start');
          const profiled = await runLoad(scenario, { seconds, connections: 16, label: `${name} profiled` });
          const { result: stopped } = await debug.send('Profiler.stop');
          console.log(topFunctions(stopped.profile, profiled.completed).join('\n'));
        }
      }
    debugService?.close();
    debugBare?.close();
  } finally {
    await Promise.allSettled(workers.map((w) => w.mf.dispose()));
    rmSync(state, { recursive: true, force: true });
  }
}

await main();
