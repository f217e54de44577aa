// Writes the Worker's own /openapi.json to a file (default test-results/openapi.json), for the Node-side
// checks that cannot run inside workerd: the Redocly lint (scripts/check-openapi.mjs) and the typed
// client's generator (scripts/generate-client.mjs). The document is fetched as it is served
// (wrangler's startWorker: same wrangler.toml, custom build, bundle, static assets and workerd as
// `wrangler dev`, on a random local port, in-memory storage): the static file the build writes
// from src/ (scripts/build-openapi.mjs), so what is checked is what is served.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

export const DOCUMENT_FILE = 'test-results/openapi.json';

/** Starts the Worker, fetches /openapi.json, stops it; returns the parsed document. */
export async function fetchOpenApiDocument() {
  process.env.WRANGLER_SEND_METRICS ??= 'false';
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false';
  const { unstable_startWorker } = await import('wrangler');
  const worker = await unstable_startWorker({
    config: 'wrangler.toml',
    dev: {
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      watch: false,
      persist: false,
      logLevel: 'warn',
    },
  });
  try {
    const res = await worker.fetch('http://127.0.0.1/openapi.json');
    const body = await res.text();
    if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}: ${body.slice(0, 500)}`);
    return JSON.parse(body);
  } finally {
    await worker.dispose();
  }
}

/** Exports the document to `file` (pretty-printed, stable key order as generated). */
export async function exportOpenApiDocument(file = DOCUMENT_FILE) {
  const document = await fetchOpenApiDocument();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  return document;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2] ?? DOCUMENT_FILE;
  const document = await exportOpenApiDocument(file);
  const operations = Object.values(document.paths ?? {}).reduce((n, item) => n + Object.keys(item).length, 0);
  console.log(`openapi: wrote ${file} (${operations} operations, OpenAPI ${document.openapi})`);
}
