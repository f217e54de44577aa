// Bundling and serving for `npm run bench`: `wrangler deploy --dry-run --outdir` builds each Worker,
// then each runs on its own direct Miniflare instance (no `wrangler dev` proxy) on 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { SignJWT } from 'jose';
import { Miniflare, NoOpLog } from 'miniflare';
import workerdBinary from 'workerd';

const require = createRequire(import.meta.url);
const WRANGLER = join(dirname(require.resolve('wrangler/package.json')), 'bin', 'wrangler.js');

/** Bundles the Worker of `configPath` into `outdir`; returns the path of the bundled module. */
export function bundleWorker(configPath, outdir, extraArgs = []) {
  const args = [WRANGLER, 'deploy', '--dry-run', '--config', configPath, '--outdir', outdir, ...extraArgs];
  execFileSync(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 180_000,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  });
  const modules = readdirSync(outdir).filter((f) => f.endsWith('.js'));
  if (modules.length !== 1) throw new Error(`expected one bundled module in ${outdir}, found ${modules.join(', ')}`);
  return join(outdir, modules[0]);
}

/**
 * The few wrangler.toml settings a Miniflare instance needs: compatibility date and flags, the
 * `[vars]` table (flat `KEY = "string"` entries, which is all this project uses) and the
 * `[[queues.producers]]` / `[[queues.consumers]]` entries (flat strings and numbers).
 */
export function readWranglerToml(path) {
  const settings = {
    compatibilityDate: null,
    compatibilityFlags: [],
    vars: {},
    queues: { producers: [], consumers: [] },
  };
  let table = '';
  let entry = null; // the current [[queues.*]] entry
  for (const raw of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const header = /^\[\[?([^\]]+)\]\]?$/.exec(line);
    if (header) {
      table = header[1].trim();
      const queueKind = /^queues\.(producers|consumers)$/.exec(table)?.[1];
      entry = queueKind ? {} : null;
      if (entry) settings.queues[queueKind].push(entry);
      continue;
    }
    const pair = /^([A-Za-z0-9_]+)\s*=\s*(.+)$/.exec(line);
    if (!pair) continue;
    const [, key, value] = pair;
    if (entry) entry[key] = JSON.parse(value);
    if (table === '' && key === 'compatibility_date') settings.compatibilityDate = JSON.parse(value);
    if (table === '' && key === 'compatibility_flags') settings.compatibilityFlags = JSON.parse(value);
    if (table === 'vars' && value.startsWith('"')) settings.vars[key] = JSON.parse(value);
  }
  if (!settings.compatibilityDate) throw new Error(`${path}: no compatibility_date`);
  return settings;
}

/**
 * Both bundles (in `outdir`; `minify: false` for profiles), their wrangler.toml settings, and the service's bindings: the
 * `[vars]`, random `JWT_SECRET_KEY` / `EDX_API_KEY`, throttling off.
 */
export function buildWorkers(outdir, { minify = true } = {}) {
  const config = readWranglerToml('wrangler.toml');
  const vars = {
    ...config.vars,
    JWT_SECRET_KEY: randomBytes(32).toString('hex'),
    EDX_API_KEY: randomBytes(16).toString('hex'),
    RATE_LIMIT_ENABLED: 'false',
  };
  return {
    // Unminified for a V8 profile, whose function names would otherwise be the minifier's.
    serviceScript: bundleWorker('wrangler.toml', join(outdir, 'build-service'), minify ? [] : ['--no-minify']),
    bareScript: bundleWorker(join('bench', 'wrangler.bare.toml'), join(outdir, 'build-bare')),
    config,
    bareConfig: readWranglerToml(join('bench', 'wrangler.bare.toml')),
    vars,
  };
}

/** An HS256 JWT the service accepts (issuer, audience and key from its `vars`), valid for 2 h. */
export const signToken = (vars, username, email, administrator = false) =>
  new SignJWT({ preferred_username: username, email, administrator })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(vars.JWT_ISSUER)
    .setAudience(vars.JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(vars.JWT_SECRET_KEY));

/**
 * The runtime writes straight to a file: the service logs one JSON line per request, and piping
 * that through this process (which also drives the load, on the same two cores) would charge the
 * service for the bench's own reading. Miniflare starts whatever MINIFLARE_WORKERD_PATH names, so a
 * two-line wrapper redirects the real workerd's stdout and stderr.
 */
function runtimeWritingTo(stateDir) {
  mkdirSync(stateDir, { recursive: true });
  const logFile = join(stateDir, 'runtime.log');
  const pidFile = join(stateDir, 'workerd.pid');
  const wrapper = join(stateDir, 'workerd.sh');
  // `exec` keeps the shell's pid: the pid file names the runtime itself, whose CPU time cpuMs() reads.
  writeFileSync(
    wrapper,
    `#!/bin/sh\necho $$ >'${pidFile}'\nexec '${workerdBinary.default}' "$@" >>'${logFile}' 2>&1\n`,
    {
      mode: 0o755,
    },
  );
  return { wrapper, logFile, pidFile };
}

const TICK_MS = 1000 / 100; // USER_HZ

/** utime + stime of one process in ms (Linux /proc/<pid>/stat), or null where that is unavailable. */
export function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/** The last `max` lines of a runtime's output that are not routine access-log lines (5xx ones are kept). */
export async function runtimeOutput(logFile, max = 15) {
  const kept = [];
  try {
    const lines = createInterface({ input: createReadStream(logFile), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      if (!line.trim() || (line.startsWith('{"requestId"') && !line.includes('"status":5'))) continue;
      kept.push(line);
      if (kept.length > max) kept.shift();
    }
  } catch {
    // no output yet
  }
  return kept;
}

/** Miniflare's queue options from wrangler.toml's `[[queues.*]]` entries (readWranglerToml). */
export function queueOptions({ producers, consumers }) {
  return {
    queueProducers: Object.fromEntries(producers.map((p) => [p.binding, { queueName: p.queue }])),
    queueConsumers: Object.fromEntries(
      consumers.map((c) => [
        c.queue,
        {
          maxBatchSize: c.max_batch_size,
          maxBatchTimeout: c.max_batch_timeout,
          maxRetries: c.max_retries,
          deadLetterQueue: c.dead_letter_queue,
        },
      ]),
    ),
  };
}

/**
 * Starts one Worker on a direct Miniflare instance: own persisted D1/KV under `stateDir`,
 * `cf: false`, a free port on 127.0.0.1, the runtime's output in `<stateDir>/runtime.log`.
 * `queues` (queueOptions): the EVENTS queue and its consumer; without it the binding is absent and
 * the service dispatches nothing, as the other scenarios have always measured it. `assets`: the static
 * files' directory (wrangler.toml [assets]), served before the Worker as in production.
 */
export async function startWorker({
  name,
  scriptPath,
  compatibilityDate,
  compatibilityFlags,
  bindings,
  stateDir,
  inspectorPort,
  queues = {},
  assets,
}) {
  const { wrapper, logFile, pidFile } = runtimeWritingTo(stateDir);
  const previous = process.env.MINIFLARE_WORKERD_PATH;
  process.env.MINIFLARE_WORKERD_PATH = wrapper;
  const mf = new Miniflare({
    name,
    modules: true,
    scriptPath,
    // The bundle lives in a temporary directory outside the project: resolve modules from there.
    modulesRoot: dirname(scriptPath),
    compatibilityDate,
    compatibilityFlags,
    bindings,
    d1Databases: { DB: `${name}-db` },
    kvNamespaces: { CACHE: `${name}-kv` },
    ...queues,
    ...(assets ? { assets: { directory: assets, routerConfig: { has_user_worker: true } } } : {}),
    d1Persist: join(stateDir, 'd1'),
    kvPersist: join(stateDir, 'kv'),
    cachePersist: false,
    cf: false,
    host: '127.0.0.1',
    port: 0,
    inspectorPort,
    log: new NoOpLog(),
    handleRuntimeStdio() {
      // nothing arrives here: the wrapper sends the runtime's output to logFile
    },
  });
  let url;
  try {
    url = await mf.ready;
  } catch (error) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    await mf.dispose().catch(() => {});
    throw new Error(`${name}: ${error.message}\n  ${(await runtimeOutput(logFile)).join('\n  ')}`);
  } finally {
    if (previous === undefined) delete process.env.MINIFLARE_WORKERD_PATH;
    else process.env.MINIFLARE_WORKERD_PATH = previous;
  }
  if (url.hostname !== '127.0.0.1') throw new Error(`${name}: Miniflare listens on ${url.host}, not 127.0.0.1`);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return {
    name,
    mf,
    origin: url.origin,
    logFile,
    /** CPU time (ms) the runtime of this instance has used so far (its D1/KV simulators included). */
    cpuMs: () => processCpuMs(pid),
    db: await mf.getD1Database('DB'),
    kv: await mf.getKVNamespace('CACHE'),
  };
}
