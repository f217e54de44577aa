import { swaggerUI } from '@hono/swagger-ui';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './context';

/**
 * A domain's sub-app. Endpoints are declared on it with `route()` (lib/route.ts); `app.route()`
 * merges their documentation into `/openapi.json`.
 */
export const createRouter = () => new OpenAPIHono<AppEnv>();

export type Router = ReturnType<typeof createRouter>;

/** Puts every domain's routers (and the webhooks) on the document's app, in their mount order. */
export type DocumentSources = () => Promise<(doc: OpenAPIHono<AppEnv>) => void>;

/**
 * `GET /openapi.json`, built on its first request and kept for the isolate: `sources` loads every
 * domain (app.ts mounts them on demand), whose routers are then documented on an app of their own.
 */
export function registerOpenApiDocument(app: OpenAPIHono<AppEnv>, sources: DocumentSources): void {
  let cached: string | undefined;
  app.get('/openapi.json', async () => {
    if (cached === undefined) {
      const [documentAll, { documentJson }] = await Promise.all([sources(), import('./lib/openapi-document')]);
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
