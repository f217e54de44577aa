import type { DocumentSources } from './openapi-generator';

// Stands in for src/openapi-generator.ts in the deployed bundle (wrangler.toml [alias]): there,
// `/openapi.json` is a static file (public/openapi.json, written by scripts/build-openapi.mjs from
// the same code before every `wrangler dev` and deploy) that the runtime serves before the Worker,
// so the bundle needs neither the generator nor the document's text.

/** No document is generated in this build: `null` (the route answers that the static file is missing). */
export async function generateDocument(_sources: DocumentSources): Promise<string | null> {
  return null;
}
