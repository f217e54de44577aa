import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './context';
import { registerEventWebhooks } from './events/payload.schemas';
import { documentJson } from './lib/openapi-document';

// The OpenAPI document's generator, imported by the first `/openapi.json` (src/api-docs.ts) and by
// scripts/build-openapi.mjs, which writes the deployed bundle's static copy. The bundle itself has
// src/openapi-prebuilt.ts in its place (wrangler.toml [alias]).

/** Puts every domain's routers on the document's app, in their mount order. */
export type DocumentSources = () => Promise<(doc: OpenAPIHono<AppEnv>) => void>;

/** The document, as JSON: every domain's routers (in mount order), then the event webhooks. */
export async function generateDocument(sources: DocumentSources): Promise<string | null> {
  const documentAll = await sources();
  return documentJson((doc) => {
    documentAll(doc);
    registerEventWebhooks(doc);
  }, new OpenAPIHono<AppEnv>());
}
