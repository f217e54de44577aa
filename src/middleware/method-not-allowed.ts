import type { Hono } from 'hono';
import type { AppEnv } from '../context';
import { echo } from '../lib/echo';
import { jsonResponse } from './render-error';

/**
 * Adds, after all routes, a catch-all per path answering 405 JSON with `Allow`. It is reached only
 * when no handler of the request's method matched, and before any authentication (docs/api/conventions.md#errors).
 */
export function answerMethodNotAllowed(app: Hono<AppEnv>): void {
  const methodsByPath = new Map<string, Set<string>>();
  for (const { path, method } of app.routes) {
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
