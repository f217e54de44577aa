import type { Context, MiddlewareHandler } from 'hono';
import { type Config, loadConfig } from '../config';
import type { AppEnv, Deps } from '../context';
import type { TokenIdentity, UserAccount } from '../context/principal';
import type { Db } from '../db/client';
import { type DbMetrics, newDbMetrics } from '../db/metrics';
import { BOOKMARK_HEADER, sessionStart } from '../lib/d1-bookmark';
import { writeLogLine } from './log-line';
import { renderError } from './render-error';
import { START_UP_ENV } from './start-up';

const VALID_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,200}$/;

/** Just-in-time account sync for a verified token (users domain), behind `Deps.syncUser`. */
export type SyncUser = (deps: Deps, claims: TokenIdentity) => Promise<UserAccount>;

/**
 * Wraps the request's D1 session in the counted drizzle client (`createDb` of db/client), behind an
 * option so that this module imports no drizzle: app.ts loads it with the first domain mounted.
 */
export type OpenDb = (session: D1DatabaseSession, metrics: DbMetrics) => Db;

export interface RequestContextOptions {
  syncUser: SyncUser;
  openDb: OpenDb;
  /** `Date.now` in production. */
  now: () => number;
}

/** Per-request dependencies; methods on the prototype, so a request allocates one small object. */
class RequestDeps implements Deps {
  readonly metrics: DbMetrics = newDbMetrics();
  #db: Db | undefined;
  #session: D1DatabaseSession | undefined;

  constructor(
    readonly config: Config,
    private readonly env: Env,
    private readonly ctx: { waitUntil(work: Promise<unknown>): void },
    private readonly requestId: string,
    private readonly sync: SyncUser,
    private readonly openDb: OpenDb,
    /** The bookmark sent, or the constraint the request's D1 session starts with. */
    private readonly sessionStart: string,
    private readonly clock: () => number,
  ) {}

  /**
   * Built on first use, in the request's D1 session (docs/api/read-your-writes.md): paths that
   * never reach D1 (cache hits, health) open no session at all.
   */
  get db(): Db {
    if (!this.#db) {
      this.#session = this.env.DB.withSession(this.sessionStart);
      this.#db = this.openDb(this.#session, this.metrics);
    }
    return this.#db;
  }

  /** The session's latest bookmark, once a query ran in it. */
  bookmark(): string | null {
    return this.metrics.queries > 0 ? (this.#session?.getBookmark() ?? null) : null;
  }

  get kv(): KVNamespace {
    return this.env.CACHE;
  }

  syncUser(claims: TokenIdentity): Promise<UserAccount> {
    return this.sync(this, claims);
  }

  now(): number {
    return this.clock();
  }

  background(work: Promise<unknown>): void {
    const requestId = this.requestId;
    this.ctx.waitUntil(work.catch((error) => console.error(JSON.stringify({ requestId, error: String(error) }))));
  }
}

/** `waitUntil`, when the request has an execution context (`app.request()` in a unit test has none). */
function afterResponse(c: Context, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // No execution context: the work still runs, nothing waits for it.
  }
}

/**
 * First middleware of every request: request id, per-request dependencies (config parsed and
 * checked, D1 wrapped to count round trips), then `Server-Timing` and one JSON log line.
 */
export const requestContext = ({ syncUser, openDb, now }: RequestContextOptions): MiddlewareHandler<AppEnv> =>
  async function requestContext(c, next) {
    const started = performance.now();
    const incoming = c.req.header('X-Request-Id');
    const requestId = incoming && VALID_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    const timings: string[] = [];
    c.set('requestId', requestId);
    c.set('serverTiming', timings);
    let deps: RequestDeps | undefined;
    try {
      // loadConfig fails fast, and by name, on a bad configuration; a malformed bookmark is refused.
      const start = sessionStart(c.req.method, c.req.header(BOOKMARK_HEADER));
      deps = new RequestDeps(loadConfig(c.env), c.env, c.executionCtx, requestId, syncUser, openDb, start, now);
      c.set('deps', deps);
      await next();
    } catch (error) {
      c.res = renderError(c, error);
    }

    const metrics = deps?.metrics;
    const queries = metrics?.queries ?? 0;
    let timing = `db;desc="${queries} queries";dur=${(metrics?.durationMs ?? 0).toFixed(1)}, db-statements;desc="${metrics?.statements ?? 0} statements"`;
    for (const entry of timings) timing += `, ${entry}`;
    const durationMs = performance.now() - started;
    const headers = c.res.headers;
    headers.set('Server-Timing', `${timing}, total;dur=${durationMs.toFixed(1)}`);
    headers.set('X-Request-Id', requestId);
    const bookmark = deps?.bookmark();
    if (bookmark) headers.set(BOOKMARK_HEADER, bookmark);
    // The start-up rehearsal (./start-up.ts) is no request: it gets no log line.
    if (c.env === START_UP_ENV) return;
    const principal = c.get('principal');
    const failure = c.get('authFailure');
    writeLogLine(
      JSON.stringify({
        requestId,
        method: c.req.method,
        route: c.req.routePath,
        path: c.req.path,
        status: c.res.status,
        principal: principal ? (principal.user?.username ?? (principal.apiKey ? 'api-key' : 'anonymous')) : 'anonymous',
        durationMs: Math.round(durationMs * 10) / 10,
        dbQueries: queries,
        // Absent keys are dropped by JSON.stringify: the line grows only when a credential was refused.
        auth_error: failure?.reason,
        auth_received: failure?.received,
        auth_expected: failure?.expected,
      }),
      (work) => afterResponse(c, work),
    );
  };
