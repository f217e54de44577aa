// The local D1 steps shared by `npm run dev` (scripts/dev.mjs) and `npm run db:reset`
// (scripts/db-reset.mjs), run with the project's wrangler and no network.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const WRANGLER = fileURLToPath(new URL('../node_modules/.bin/wrangler', import.meta.url));

// No metrics, and no fetch of the `request.cf` placeholder from workers.cloudflare.com.
export const OFFLINE_ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };

/** `--persist-to <dir>` (or `--persist-to=<dir>`) from wrangler-style args, as an array to pass on. */
export function persistArgs(args) {
  const i = args.findIndex((a) => a === '--persist-to' || a.startsWith('--persist-to='));
  if (i < 0) return [];
  return args[i].includes('=') ? [args[i]] : args.slice(i, i + 2);
}

export function persistDir(args) {
  const [flag, value] = persistArgs(args);
  return flag ? (value ?? flag.slice('--persist-to='.length)) : '.wrangler/state';
}

// stdin is /dev/null so `migrations apply` does not stop to ask for confirmation.
function wrangler(args, { quiet = false } = {}) {
  const { status } = spawnSync(WRANGLER, args, {
    env: OFFLINE_ENV,
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
  });
  if (status !== 0) process.exit(status ?? 1);
}

export function migrate(args) {
  wrangler(['d1', 'migrations', 'apply', 'DB', '--local', ...persistArgs(args)]);
}

export function seed(args) {
  wrangler(['d1', 'execute', 'DB', '--local', '--file', 'scripts/seed-local.sql', ...persistArgs(args)], {
    quiet: true,
  });
  console.log('Seeded the demo catalog (scripts/seed-local.sql).');
}
