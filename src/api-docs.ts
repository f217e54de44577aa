import { swaggerUI } from '@hono/swagger-ui';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import type { AppEnv } from './context';

// The app's own documentation routes. Only types of @hono/zod-openapi here: this module is on the
// start-up path, and zod (which that package extends on import) is then initialised with the first
// domain or document request instead (docs/operations.md#start-up).

/** Puts every domain's routers (and the webhooks) on the document's app, in their mount order. */
export type DocumentSources = () => Promise<(doc: OpenAPIHono<AppEnv>) => void>;

/**
 * `GET /openapi.json`, built on its first request and kept for the isolate: `sources` loads every
 * domain (app.ts mounts them on demand), whose routers are then documented on an app of their own.
 */
export function registerOpenApiDocument(app: Hono<AppEnv>, sources: DocumentSources): void {
  let cached: string | undefined;
  app.get('/openapi.json', async () => {
    if (cached === undefined) {
      const [documentAll, { documentJson }, { OpenAPIHono }] = await Promise.all([
        sources(),
        import('./lib/openapi-document'),
        import('@hono/zod-openapi'),
      ]);
      cached ??= documentJson(documentAll, new OpenAPIHono<AppEnv>());
    }
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
