// `npm run deploy [-- --env <name>]`: the remote D1 migrations, then `wrangler deploy`, for the
// top-level Worker or an [env.<name>] of wrangler.toml (docs/operations.md#deploy). Migrations go
// first: the code being deployed may need them, and the code still running tolerates additive ones.
// Refuses before any network call while a binding still has its placeholder id or is missing (an
// environment does not inherit the top-level D1, KV and queue bindings).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { experimental_readRawConfig, unstable_readConfig } from 'wrangler';

const WRANGLER = fileURLToPath(new URL('../node_modules/.bin/wrangler', import.meta.url));
const CONFIG = 'wrangler.toml';

function parseArgs(argv) {
  const [flag, value, ...rest] = argv;
  if (flag === undefined) return undefined;
  if ((flag === '--env' || flag === '-e') && value && rest.length === 0) return value;
  if (flag.startsWith('--env=') && argv.length === 1) return flag.slice('--env='.length);
  console.error('usage: npm run deploy [-- --env <name>]');
  process.exit(2);
}

const env = parseArgs(process.argv.slice(2));
const where = env ? `[env.${env}]` : 'the top level';
const problems = [];

if (env && !experimental_readRawConfig({ config: CONFIG }).rawConfig.env?.[env]) {
  problems.push(`${CONFIG} has no [env.${env}] section (see the commented examples at its end).`);
} else {
  const config = unstable_readConfig({ config: CONFIG, env }, { hideWarnings: true });
  const placeholder = (id) => !id || /^[0-]+$/.test(id);
  const db = config.d1_databases.find((d) => d.binding === 'DB');
  const cache = config.kv_namespaces.find((k) => k.binding === 'CACHE');
  if (!db) problems.push(`no D1 binding DB in ${where}.`);
  else if (placeholder(db.database_id))
    problems.push(
      `D1 DB has the placeholder database_id: run \`npx wrangler d1 create ${db.database_name}\` and put the printed id in ${CONFIG} (${where}).`,
    );
  if (!cache) problems.push(`no KV binding CACHE in ${where}.`);
  else if (placeholder(cache.id))
    problems.push(
      `KV CACHE has the placeholder id: run \`npx wrangler kv namespace create CACHE\` and put the printed id in ${CONFIG} (${where}).`,
    );
  if (!config.queues.producers?.some((q) => q.binding === 'EVENTS'))
    problems.push(`no queue producer EVENTS in ${where}.`);
}

if (problems.length > 0) {
  console.error(`Refusing to deploy ${env ? `env ${env}` : 'the Worker'}: ${CONFIG} is not ready.`);
  for (const problem of problems) console.error(`  - ${problem}`);
  console.error('Nothing was sent to Cloudflare. See docs/operations.md#deploy.');
  process.exit(1);
}

const envArgs = env ? ['--env', env] : [];
for (const args of [
  ['d1', 'migrations', 'apply', 'DB', '--remote', ...envArgs],
  ['deploy', ...envArgs],
]) {
  console.log(`> wrangler ${args.join(' ')}`);
  const { status } = spawnSync(WRANGLER, args, { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}
