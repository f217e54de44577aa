import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { AppEnv } from './context';

/** A domain's sub-app. Its documented routes are merged into `/openapi.json` by `app.route()`. */
export const createRouter = () => new OpenAPIHono<AppEnv>();

export type Router = ReturnType<typeof createRouter>;

/**
 * Documents a route from the same zod schemas its handler validates with. Handlers are mounted with
 * Hono's own methods because course ids span path segments (`{course_id}` is `:course_id{.+}`).
 */
export function document(router: Router, route: RouteConfig): void {
  router.openAPIRegistry.registerPath(route);
}

type SecurityRequirement = Record<string, string[]>;
export const SECURITY: Record<'jwt' | 'apiKey' | 'jwtOrApiKey', SecurityRequirement[]> = {
  jwt: [{ JwtAuth: [] }],
  apiKey: [{ ApiKey: [] }],
  jwtOrApiKey: [{ JwtAuth: [] }, { ApiKey: [] }],
};

export function registerOpenApiDocument(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'JwtAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'An edX JWT, sent as `Authorization: JWT <token>` (the edX form) or `Authorization: Bearer <token>`. HS256 with the shared secret or RS256/RS512/ES256 by `kid`; `iss`, `aud` and `exp` are checked.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'ApiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Edx-Api-Key',
    description: 'Server-to-server key (trusted services such as e-commerce).',
  });
  app.get('/openapi.json', (c) =>
    c.json(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'Open edX enrollment service (edge)',
          version: '1.0.0',
          description: 'The Open edX Enrollment API v1 and its provisioning API, served from Cloudflare Workers.',
        },
      }),
    ),
  );
}
