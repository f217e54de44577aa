import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './context';

/**
 * A domain's sub-app. Endpoints are declared on it with `route()` (lib/route.ts); `app.route()`
 * merges their documentation into `/openapi.json`.
 */
export const createRouter = () => new OpenAPIHono<AppEnv>();

export type Router = ReturnType<typeof createRouter>;
