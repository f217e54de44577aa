// Cold start for `npm run bench` (issue 15): bundle size, module evaluation in fresh V8 processes, and
// the first request after an isolate starts against a warm one. Targets in report.mjs (COLD_TARGETS).
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Miniflare, NoOpLog } from 'miniflare';

/** Raw and gzip (zlib's default level, as upload tools report it) size of a bundled module. */
export function bundleSizes(scriptPath) {
  const bytes = readFileSync(scriptPath);
  return { bundle_bytes: bytes.length, bundle_gzip_bytes: gzipSync(bytes).length };
}

// Imports the module in a fresh Node process and prints the milliseconds `import()` took: parse,
// compile and top-level evaluation, what a new isolate pays before its first request. `.mjs` copy:
// Node would otherwise first try the file as CommonJS to detect its format (as long again). Node's
// Request, Response and Headers are JavaScript (undici) loaded on first use, ~35 ms, where workerd's
// are built in: they are used once before the clock starts, for both bundles, so a top level that
// builds a Request (the service's start-up rehearsal) is not charged for loading Node's.
const EVALUATE = `new Response(null, { status: 204, headers: { a: 'b' } }).headers.set('c', 'd');
new Request('http://127.0.0.1/', { method: 'OPTIONS', headers: { a: 'b' } }).headers.get('a');
const t = performance.now();
await import(${'process.argv[1]'});
process.stdout.write(String(performance.now() - t));`;

/** A `.mjs` copy of a bundle beside it: Node would otherwise first try the file as CommonJS. */
export function mjsCopy(path, name) {
  const copy = join(dirname(path), name);
  copyFileSync(path, copy);
  return copy;
}

function evaluateOnce(mjsPath) {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', EVALUATE, `file://${mjsPath}`], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return Number(out);
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Median module evaluation (ms) of the service and the bare bundle, `runs` each, alternating. */
export function moduleEvaluation(serviceScript, bareScript, runs = 7) {
  const copies = [serviceScript, bareScript].map((path) => mjsCopy(path, 'evaluate.mjs'));
  const service = [];
  const bare = [];
  for (let i = 0; i < runs; i += 1) {
    bare.push(evaluateOnce(copies[1]));
    service.push(evaluateOnce(copies[0]));
  }
  return { module_eval_ms: median(service), bare_module_eval_ms: median(bare), service_runs: service, bare_runs: bare };
}

/** One GET on a new connection (no keep-alive), timed from the client: ms. */
function timedGet(origin, path) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(`${origin}${path}`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`${path}: ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`${path}: timeout`)));
  });
}

/**
 * The first request to a freshly started runtime against the warm ones after it: `starts` new
 * Miniflare instances, each serving the service beside a trivial `warm` Worker that takes the
 * runtime's own first-request costs (entry worker, sockets) before the service sees a request. Then
 * `GET path` once (first) and `warmRequests` times (warm); every request on a new connection.
 */
export async function firstRequest({
  scriptPath,
  settings,
  bindings,
  path = '/health',
  starts = 5,
  warmRequests = 20,
}) {
  const firsts = [];
  const warms = [];
  for (let i = 0; i < starts; i += 1) {
    const mf = new Miniflare({
      host: '127.0.0.1',
      port: 0,
      cf: false,
      log: new NoOpLog(),
      handleRuntimeStdio() {
        // the service's log lines: not needed here
      },
      workers: [
        {
          name: 'service',
          modules: true,
          scriptPath,
          modulesRoot: dirname(scriptPath),
          compatibilityDate: settings.compatibilityDate,
          compatibilityFlags: settings.compatibilityFlags,
          bindings,
          d1Databases: { DB: 'cold-db' },
          kvNamespaces: { CACHE: 'cold-kv' },
        },
        {
          name: 'warm',
          modules: true,
          script: 'export default { fetch: () => new Response("ok") }',
          compatibilityDate: settings.compatibilityDate,
          routes: ['*/__warm'],
        },
      ],
    });
    try {
      const { origin } = await mf.ready;
      for (let k = 0; k < 5; k += 1) await timedGet(origin, '/__warm');
      firsts.push(await timedGet(origin, path));
      const warm = [];
      for (let k = 0; k < warmRequests; k += 1) warm.push(await timedGet(origin, path));
      warms.push(median(warm));
    } finally {
      await mf.dispose();
    }
  }
  return { first_request_ms: median(firsts), warm_request_ms: median(warms), first_runs: firsts, warm_runs: warms };
}

const round2 = (x) => Math.round(x * 100) / 100;

/** The `cold_start` object of bench/results.json (the run lists stay in meta). */
export async function measureColdStart({ serviceScript, bareScript, settings, bindings, runs = 7, starts = 5 }) {
  const sizes = bundleSizes(serviceScript);
  const evaluation = moduleEvaluation(serviceScript, bareScript, runs);
  const first = await firstRequest({ scriptPath: serviceScript, settings, bindings, starts });
  // The same measure of the bare Worker: what the runtime and Hono alone cost a new isolate's first request.
  const bareFirst = await firstRequest({ scriptPath: bareScript, settings, bindings: {}, path: '/bare', starts });
  return {
    cold_start: {
      ...sizes,
      bare_bundle_bytes: bundleSizes(bareScript).bundle_bytes,
      module_eval_ms: round2(evaluation.module_eval_ms),
      bare_module_eval_ms: round2(evaluation.bare_module_eval_ms),
      first_request_ms: round2(first.first_request_ms),
      warm_request_ms: round2(first.warm_request_ms),
      bare_first_request_ms: round2(bareFirst.first_request_ms),
      bare_warm_request_ms: round2(bareFirst.warm_request_ms),
    },
    runs: {
      module_eval_ms: evaluation.service_runs.map(round2),
      bare_module_eval_ms: evaluation.bare_runs.map(round2),
      first_request_ms: first.first_runs.map(round2),
      warm_request_ms: first.warm_runs.map(round2),
      bare_first_request_ms: bareFirst.first_runs.map(round2),
    },
  };
}
