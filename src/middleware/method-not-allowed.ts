import type { Hono } from 'hono';
import type { RouterRoute } from 'hono/types';
import type { AppEnv } from '../context';
import { echo } from '../lib/echo';
import { jsonResponse } from './render-error';

/**
 * Adds, after all routes, a catch-all per path answering 405 JSON with `Allow`. It is reached only
 * when no handler of the request's method matched, and before any authentication (docs/api/conventions.md#errors).
 * `routes`: the routes whose paths get one (default: all of the app's; app.ts passes a domain's when it mounts it).
 */
export function answerMethodNotAllowed(app: Hono<AppEnv>, routes: readonly RouterRoute[] = app.routes): void {
  const methodsByPath = new Map<string, Set<string>>();
  for (const { path, method } of routes) {
    if (method === 'ALL' || path === '/*') continue;
    const methods = methodsByPath.get(path) ?? new Set<string>();
    methods.add(method);
    if (method === 'GET') methods.add('HEAD');
    methodsByPath.set(path, methods);
  }
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods].join(', ');
    app.all(path, (c) =>
      jsonResponse(
        {
          error_code: 'method_not_allowed',
          developer_message: `Method "${echo(c.req.method)}" not allowed.`,
          detail: `Method "${echo(c.req.method)}" not allowed.`,
        },
        405,
        { Allow: allow },
      ),
    );
  }
}
