import { swaggerUI } from '@hono/swagger-ui';
import type { Hono } from 'hono';
import type { AppEnv } from './context';
import { jsonResponse } from './middleware/render-error';
import type { DocumentSources } from './openapi-generator';

// The app's own documentation routes. Nothing of @hono/zod-openapi here: this module is on the
// start-up path, and zod (which that package extends on import) is then initialised with the first
// domain or document request instead (docs/operations.md#start-up).

/** src/openapi-generator.ts, or in the deployed bundle src/openapi-prebuilt.ts (which generates nothing). */
type Generator = Pick<typeof import('./openapi-generator'), 'generateDocument'>;

/** What a deployment whose static `/openapi.json` was not built answers (it never reaches the Worker otherwise). */
const DOCUMENT_NOT_BUILT = {
  error_code: 'not_found',
  developer_message:
    'This deployment serves /openapi.json as a static file (public/openapi.json, written by `npm run build:openapi`), and it was not built.',
  detail: 'Not found.',
};

/**
 * `GET /openapi.json`, generated on its first request and kept for the isolate: `sources` loads
 * every domain (app.ts mounts them on demand), whose routers are then documented on an app of their
 * own (src/openapi-generator.ts). The deployed bundle generates nothing: its document is a static
 * file built from the same code, served before the Worker (docs/operations.md#start-up).
 */
export function registerOpenApiDocument(
  app: Hono<AppEnv>,
  sources: DocumentSources,
  generator: () => Promise<Generator> = () => import('./openapi-generator'),
): void {
  let cached: string | null | undefined;
  app.get('/openapi.json', async () => {
    if (cached === undefined) {
      const { generateDocument } = await generator();
      cached ??= await generateDocument(sources);
    }
    if (cached === null) return jsonResponse(DOCUMENT_NOT_BUILT, 404);
    return new Response(cached, { headers: { 'Content-Type': 'application/json' } });
  });
}

/**
 * `/docs`: Swagger UI over `/openapi.json`. Its CSS and JS are this Worker's static assets
 * (public/vendor/swagger-ui-dist, copied from node_modules by the postinstall), never a CDN, and the
 * spec validator badge (an external call) is off: the page works with no internet.
 */
export const docsPage = () =>
  swaggerUI<AppEnv>({
    url: '/openapi.json',
    baseUrl: '/vendor',
    title: 'Open edX enrollment service: API reference',
    validatorUrl: 'none',
    deepLinking: true,
    filter: true,
    persistAuthorization: true,
    displayRequestDuration: true,
    defaultModelsExpandDepth: 0,
  });
