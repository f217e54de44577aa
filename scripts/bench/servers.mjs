// Bundling and serving for `npm run bench`: `wrangler deploy --dry-run --outdir` builds each Worker,
// then each runs on its own direct Miniflare instance (no `wrangler dev` proxy) on 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Miniflare, NoOpLog } from 'miniflare';

const require = createRequire(import.meta.url);
const WRANGLER = join(dirname(require.resolve('wrangler/package.json')), 'bin', 'wrangler.js');

/** Bundles the Worker of `configPath` into `outdir`; returns the path of the bundled module. */
export function bundleWorker(configPath, outdir) {
  execFileSync(process.execPath, [WRANGLER, 'deploy', '--dry-run', '--config', configPath, '--outdir', outdir], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 180_000,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  });
  const modules = readdirSync(outdir).filter((f) => f.endsWith('.js'));
  if (modules.length !== 1) throw new Error(`expected one bundled module in ${outdir}, found ${modules.join(', ')}`);
  return join(outdir, modules[0]);
}

/**
 * The few wrangler.toml settings a Miniflare instance needs: compatibility date and flags and the
 * `[vars]` table (flat `KEY = "string"` entries, which is all this project uses).
 */
export function readWranglerToml(path) {
  const settings = { compatibilityDate: null, compatibilityFlags: [], vars: {} };
  let table = '';
  for (const raw of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const header = /^\[\[?([^\]]+)\]\]?$/.exec(line);
    if (header) {
      table = header[1].trim();
      continue;
    }
    const entry = /^([A-Za-z0-9_]+)\s*=\s*(.+)$/.exec(line);
    if (!entry) continue;
    const [, key, value] = entry;
    if (table === '' && key === 'compatibility_date') settings.compatibilityDate = JSON.parse(value);
    if (table === '' && key === 'compatibility_flags') settings.compatibilityFlags = JSON.parse(value);
    if (table === 'vars' && value.startsWith('"')) settings.vars[key] = JSON.parse(value);
  }
  if (!settings.compatibilityDate) throw new Error(`${path}: no compatibility_date`);
  return settings;
}

/** Keeps the last lines a runtime wrote (shown when a scenario fails); everything else is dropped. */
class Tail {
  constructor(size) {
    this.size = size;
    this.lines = [];
  }
  attach(stream) {
    let partial = '';
    stream.on('data', (chunk) => {
      // Cheap path: the bench process also drives the load, so per-request access-log lines are
      // dropped without decoding unless the chunk may hold a 5xx or an error.
      if (partial === '' && chunk.indexOf('"status":5') < 0 && chunk.indexOf('rror') < 0) return;
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        // Per-request JSON access-log lines are noise here; keep errors and anything unusual.
        if (line.startsWith('{"requestId"') && !line.includes('"status":5')) continue;
        this.lines.push(line);
        if (this.lines.length > this.size) this.lines.shift();
      }
    });
  }
}

/**
 * Starts one Worker on a direct Miniflare instance: own persisted D1/KV under `stateDir`,
 * `cf: false`, a free port on 127.0.0.1. The runtime's stdout/stderr are drained (the service logs
 * one JSON line per request) and only their tail is kept for diagnostics.
 */
export async function startWorker({ name, scriptPath, compatibilityDate, compatibilityFlags, bindings, stateDir }) {
  const tail = new Tail(40);
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
    d1Persist: join(stateDir, 'd1'),
    kvPersist: join(stateDir, 'kv'),
    cachePersist: false,
    cf: false,
    host: '127.0.0.1',
    port: 0,
    log: new NoOpLog(),
    handleRuntimeStdio(stdout, stderr) {
      tail.attach(stdout);
      tail.attach(stderr);
    },
  });
  let url;
  try {
    url = await mf.ready;
  } catch (error) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    await mf.dispose().catch(() => {});
    throw new Error(`${name}: ${error.message}\n  ${tail.lines.slice(-15).join('\n  ')}`);
  }
  if (url.hostname !== '127.0.0.1') throw new Error(`${name}: Miniflare listens on ${url.host}, not 127.0.0.1`);
  return { name, mf, origin: url.origin, tail, db: await mf.getD1Database('DB'), kv: await mf.getKVNamespace('CACHE') };
}
