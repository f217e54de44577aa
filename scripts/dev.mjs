// `npm run dev`: `npm start` without the seed and the banner. Creates .dev.vars when missing, applies
// the local migrations (a fresh state would otherwise answer 500 `no such table`), then runs
// `wrangler dev --test-scheduled` offline. Arguments go to wrangler dev (`npm run dev -- --port 8788`);
// a `--persist-to <dir>` among them applies to the migrations too.
import { spawn } from 'node:child_process';
import { ensureDevVars } from './dev-env.mjs';
import { migrate, OFFLINE_ENV, WRANGLER } from './local-d1.mjs';

const args = process.argv.slice(2);
if (ensureDevVars()) console.log('Created .dev.vars from .dev.vars.example (local development values only).');
migrate(args);

const dev = spawn(WRANGLER, ['dev', '--test-scheduled', ...args], { env: OFFLINE_ENV, stdio: 'inherit' });
// Ctrl-C reaches wrangler through the terminal's process group; a signal sent to this process only is passed on.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => dev.kill(signal));
dev.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
