// `npm run db:reset`: a fresh local state, then the migrations and the demo seed, so the README's
// demo runs as on a first start. The seed alone cannot do it: it upserts the catalog and leaves what
// the API wrote (enrollments, program enrollments, events) in place. KV goes too: it caches course
// details and holds the throttle counters. Stop `npm start` / `npm run dev` first (a running
// wrangler dev keeps the deleted files open). `-- --persist-to <dir>` resets that state directory.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { migrate, persistDir, seed } from './local-d1.mjs';

const args = process.argv.slice(2);
const state = join(persistDir(args), 'v3');
for (const store of ['d1', 'kv']) rmSync(join(state, store), { recursive: true, force: true });
console.log(`Deleted the local D1 and KV state (${state}/d1, ${state}/kv).`);
migrate(args);
seed(args);
