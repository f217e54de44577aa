// Writes public/openapi.json, the document the deployed Worker serves as a static file
// (docs/operations.md#start-up). wrangler.toml's [build] runs this before every `wrangler dev`,
// `wrangler deploy` and dry run, so the file always matches src/. The deployed bundle carries no
// document generator ([alias] of @hono/zod-openapi and of src/openapi-generator.ts); this builds the
// app once more with the real packages (esbuild, for Node) and asks it for `GET /openapi.json`, the
// same route and code the tests exercise. About a second.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { readWranglerToml } from './bench/servers.mjs';

export const STATIC_DOCUMENT = 'public/openapi.json';

/** The app (src/app.ts, real packages), bundled for Node into a scratch directory. */
async function loadApp(scratch) {
  const outfile = join(scratch, 'app.mjs');
  await build({
    stdin: { contents: "export { createApp } from './src/app';", resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'error',
  });
  return import(pathToFileURL(outfile).href);
}

/** `GET /openapi.json` of the app, as the Worker answers it (compact JSON). */
export async function generateStaticDocument() {
  const scratch = mkdtempSync(join(tmpdir(), 'openapi-build-'));
  const { log } = console;
  try {
    const { createApp } = await loadApp(scratch);
    const env = readWranglerToml('wrangler.toml').vars;
    const pending = [];
    const ctx = { waitUntil: (work) => pending.push(work), passThroughOnException() {}, props: {} };
    console.log = () => {}; // the request's log line, which may come after the response
    const res = await createApp().request('/openapi.json', {}, env, ctx);
    const text = await res.text();
    await Promise.all(pending);
    if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}: ${text.slice(0, 500)}`);
    return text;
  } finally {
    console.log = log;
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const text = await generateStaticDocument();
  mkdirSync('public', { recursive: true });
  writeFileSync(STATIC_DOCUMENT, text);
  console.log(`openapi: wrote ${STATIC_DOCUMENT} (${Math.round(text.length / 1024)} KiB)`);
}
