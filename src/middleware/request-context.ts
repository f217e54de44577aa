import type { MiddlewareHandler } from 'hono';
import { loadConfig } from '../config';
import type { AppEnv } from '../context';
import { createDb, type Db, newDbMetrics } from '../db/client';
import { renderError } from './errors';

const VALID_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,200}$/;

/**
 * First middleware of every request: request id, per-request dependencies (config parsed and
 * checked, D1 wrapped to count round trips), then `Server-Timing` and one JSON log line.
 */
export const requestContext = (): MiddlewareHandler<AppEnv> =>
  async function requestContext(c, next) {
    const started = performance.now();
    const incoming = c.req.header('X-Request-Id');
    const requestId = incoming && VALID_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', requestId);
    c.set('serverTiming', []);
    const metrics = newDbMetrics();
    const ctx = c.executionCtx;
    try {
      const config = loadConfig(c.env); // fails fast, and by name, on a bad configuration
      let db: Db | undefined;
      c.set('deps', {
        config,
        // Built on first use: paths that never reach D1 (cache hits, health) skip it entirely.
        get db() {
          db ??= createDb(c.env.DB, metrics);
          return db;
        },
        kv: c.env.CACHE,
        metrics,
        now: () => Date.now(),
        background: (work) =>
          ctx.waitUntil(work.catch((error) => console.error(JSON.stringify({ requestId, error: String(error) })))),
      });
      await next();
    } catch (error) {
      c.res = renderError(c, error);
    }

    const timing = [
      `db;desc="${metrics.queries} queries";dur=${metrics.durationMs.toFixed(1)}`,
      `db-statements;desc="${metrics.statements} statements"`,
      ...c.get('serverTiming'),
      `total;dur=${(performance.now() - started).toFixed(1)}`,
    ];
    c.res.headers.set('Server-Timing', timing.join(', '));
    c.res.headers.set('X-Request-Id', requestId);
    const principal = c.get('principal');
    console.log(
      JSON.stringify({
        requestId,
        method: c.req.method,
        route: c.req.routePath,
        path: c.req.path,
        status: c.res.status,
        principal: principal ? (principal.user?.username ?? (principal.apiKey ? 'api-key' : 'anonymous')) : 'anonymous',
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        dbQueries: metrics.queries,
      }),
    );
  };
