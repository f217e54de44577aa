import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { docsPage, registerOpenApiDocument } from './api-docs';
import { cors } from './browser/cors';
import type { AppEnv } from './context';
import { dispatchAfterWrites } from './events/dispatch.middleware';
import { idempotencyKeys } from './idempotency/idempotency.middleware';
import { JOB_BODY_BYTES, jobBodyTooLarge } from './jobs/jobs.limits';
import { echo } from './lib/echo';
import { PAYLOAD_TOO_LARGE } from './lib/errors';
import { SplitRouter } from './lib/split-router';
import { answerMethodNotAllowed } from './middleware/method-not-allowed';
import { jsonResponse, renderError } from './middleware/render-error';
import { type OpenDb, requestContext, type SyncUser } from './middleware/request-context';
import type { Router } from './openapi';

export const MAX_BODY_BYTES = 1024 * 1024;

const isJobCreation = (method: string, path: string) =>
  method === 'POST' && /^\/api\/bulk_enroll\/v1\/jobs\/?$/.test(path);

export interface AppOptions {
  /** The clock behind `Deps.now`; tests move the throttle's window with it instead of waiting. */
  now?: () => number;
}

type App = Hono<AppEnv>;
/** A domain's routers, each with the prefix it is mounted under, in mount order. */
type Mounts = readonly (readonly [prefix: string, router: Router])[];

interface Domain {
  /** Request path prefixes its routes serve: the first request under one of them mounts the domain. */
  serves: readonly string[];
  load: () => Promise<Mounts>;
}

const both = <A, B>(a: Promise<A>, b: Promise<B>) => Promise.all([a, b]);

/**
 * Every domain's routes, each imported and mounted on the first request under one of its paths
 * (docs/operations.md#start-up): a new isolate builds only the schemas and routes its requests
 * need. The bundler turns each `import()` into a module initialised on first use, inside the one
 * bundle. This order is the mount order of the OpenAPI document.
 */
const DOMAINS: readonly Domain[] = [
  {
    serves: ['/api/enrollment/v1/'],
    load: async () => {
      const [{ enrollmentRoutes }, { enrollmentAdminRoutes }] = await both(
        import('./enrollments/enrollments.routes'),
        import('./enrollments/admin.routes'),
      );
      return [
        ['/api/enrollment/v1', enrollmentRoutes],
        ['/api/enrollment/v1', enrollmentAdminRoutes],
      ];
    },
  },
  {
    serves: ['/api/bulk_enroll/v1/'],
    load: async () => {
      const [{ bulkRoutes }, { jobRoutes }] = await both(import('./bulk/bulk.routes'), import('./jobs/jobs.routes'));
      return [
        ['/api/bulk_enroll/v1', bulkRoutes],
        ['/api/bulk_enroll/v1', jobRoutes],
      ];
    },
  },
  {
    serves: ['/api/admin/v1/'],
    load: async () => {
      const [{ provisioningRoutes }, { webhookRoutes }] = await both(
        import('./provisioning'),
        import('./events/webhooks.routes'),
      );
      return [
        ['/api/admin/v1', provisioningRoutes],
        ['/api/admin/v1', webhookRoutes],
      ];
    },
  },
  {
    serves: ['/api/events/v1/'],
    load: async () => [['/api/events/v1', (await import('./events/feed.routes')).feedRoutes]],
  },
  {
    serves: ['/api/cohorts/v1/'],
    load: async () => {
      const [{ cohortRoutes }, { memberRoutes }] = await both(
        import('./cohorts/cohorts.routes'),
        import('./cohorts/members.routes'),
      );
      return [
        ['/api/cohorts/v1', cohortRoutes],
        ['/api/cohorts/v1', memberRoutes],
      ];
    },
  },
  {
    serves: ['/api/program_enrollments/v1/'],
    load: async () => [['/api/program_enrollments/v1', (await import('./programs')).programRoutes]],
  },
  {
    serves: ['/health/', '/csrf/'],
    load: async () => {
      const [{ healthRoutes }, { csrfTokenRoutes }] = await both(
        import('./health/health.routes'),
        import('./browser/csrf-token.routes'),
      );
      return [
        ['/', healthRoutes],
        ['/', csrfTokenRoutes],
      ];
    },
  },
];

/** The users domain's just-in-time account sync, imported on the first request with a token. */
let accountFromClaims: SyncUser | undefined;
const syncUser: SyncUser = async (deps, claims) => {
  accountFromClaims ??= (await import('./users/users.service')).accountFromClaims;
  return accountFromClaims(deps, claims);
};

/**
 * The D1 client (drizzle and the counting wrapper), imported with the first domain mounted: every
 * route that reads or writes D1 belongs to a domain, and a new isolate's `/health` or first cached
 * read does not build drizzle before answering (docs/operations.md#start-up).
 */
let dbClient: typeof import('./db/client') | undefined;
const loadDbClient = async () => {
  dbClient ??= await import('./db/client');
};
const openDb: OpenDb = (session, metrics) => {
  if (!dbClient) throw new Error('D1 used before any domain was mounted (the D1 client is loaded with them)');
  return dbClient.createDb(session, metrics);
};

/** Mounts a domain's routers, then the 405 catch-alls of the paths they added (after them, as for all routes). */
function mount(app: App, mounts: Mounts): void {
  const before = app.routes.length;
  for (const [prefix, router] of mounts) app.route(prefix, router);
  answerMethodNotAllowed(app, app.routes.slice(before));
}

/** The path of a request URL as Hono routes it, or null when percent-escapes would need decoding first. */
function pathOf(url: string): string | null {
  const start = url.indexOf('/', url.indexOf(':') + 3);
  const query = url.indexOf('?', start);
  const path = query === -1 ? url.slice(start) : url.slice(start, query);
  return path.includes('%') ? null : path;
}

/** Each app's "mount every domain", which resolves to every domain's mounts in DOMAINS' order. */
const mountAll = new WeakMap<App, () => Promise<Mounts[]>>();

/**
 * Makes `app.fetch` mount the domains a request's path needs before dispatching it (an escaped path
 * mounts them all); each domain once, shared by concurrent requests. Once every domain is mounted,
 * requests go straight to Hono's dispatch.
 */
function mountOnDemand(app: App): () => Promise<Mounts[]> {
  const dispatch = app.fetch;
  const loads = new Map<Domain, Promise<Mounts>>();
  const mounted = new Set<Domain>();
  const load = (domain: Domain) => {
    let loading = loads.get(domain);
    if (!loading) {
      loading = both(domain.load(), loadDbClient()).then(([mounts]) => {
        mount(app, mounts);
        mounted.add(domain);
        return mounts;
      });
      // A failed import is retried by the next request that needs the domain.
      loading.catch(() => loads.delete(domain));
      loads.set(domain, loading);
    }
    return loading;
  };
  app.fetch = (request, env, executionCtx) => {
    if (mounted.size === DOMAINS.length) return dispatch(request, env, executionCtx);
    const path = pathOf(request.url);
    const needed = DOMAINS.filter(
      (d) => !mounted.has(d) && (path === null || d.serves.some((prefix) => path.startsWith(prefix))),
    );
    if (needed.length === 0) return dispatch(request, env, executionCtx);
    return Promise.all(needed.map(load)).then(() => dispatch(request, env, executionCtx));
  };
  const all = () => Promise.all(DOMAINS.map(load));
  mountAll.set(app, all);
  return all;
}

/** Mounts every domain on an app of createApp(), as `/openapi.json` does first: for tests that read its routes. */
export async function mountAllDomains(app: App): Promise<App> {
  await mountAll.get(app)?.();
  return app;
}

/** Puts every domain's routers on the document's app, in DOMAINS' order. */
const documentOn = (doc: { route(prefix: string, router: Router): unknown }, domains: readonly Mounts[]) => {
  for (const mounts of domains) for (const [prefix, router] of mounts) doc.route(prefix, router);
};

/** Every domain's routers on an OpenAPI app of their own, as `/openapi.json` documents them: for tests that read its registry. */
export async function documentAllDomains(app: App) {
  const [domains, { OpenAPIHono }] = await both(
    mountAll.get(app)?.() ?? Promise.resolve([]),
    import('@hono/zod-openapi'),
  );
  const doc = new OpenAPIHono<AppEnv>();
  documentOn(doc, domains);
  return doc;
}

export function createApp({ now = Date.now }: AppOptions = {}) {
  // strict: false — every path also matches with a trailing slash, as upstream's URL patterns do.
  // The program API's `/programs/enrollments` beside `/programs/{program_uuid}/…` needs the trie
  // router; everything else keeps the one-regex matcher (lib/split-router.ts).
  const app = new Hono<AppEnv>({
    strict: false,
    router: new SplitRouter(['/api/program_enrollments/v1/programs']),
  });

  // Just-in-time user sync is the users domain's, handed in here so auth/ imports no domain.
  app.use('*', requestContext({ syncUser, openDb, now }));
  // Preflights are answered here, before routing, the body limit, authentication and throttling.
  app.use('*', cors());
  const bodyLimits = {
    standard: bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => jsonResponse(PAYLOAD_TOO_LARGE, 413) }),
    // Only creating a bulk job takes a large body (docs/api/bulk-jobs.md#limits).
    jobs: bodyLimit({ maxSize: JOB_BODY_BYTES, onError: () => jsonResponse(jobBodyTooLarge(), 413) }),
  };
  // Only methods that carry a body and may write: a read never enters these three (each layer is
  // CPU on the hot, cached paths; docs/benchmarks.md#cpu).
  const writes = ['POST', 'PUT', 'PATCH', 'DELETE'];
  app.on(writes, '*', (c, next) =>
    (isJobCreation(c.req.method, c.req.path) ? bodyLimits.jobs : bodyLimits.standard)(c, next),
  );
  app.on(writes, '*', dispatchAfterWrites);
  app.on(writes, '*', idempotencyKeys);

  app.get('/health', (c) => c.json({ status: 'ok' }));
  const all = mountOnDemand(app);
  // The document needs every domain: it mounts them all, then documents them in DOMAINS' order.
  registerOpenApiDocument(app, async () => {
    const domains = await all();
    return (doc) => documentOn(doc, domains);
  });
  app.get('/docs', docsPage());
  answerMethodNotAllowed(app);

  app.notFound((c) =>
    jsonResponse(
      {
        error_code: 'not_found',
        developer_message: `No route for ${echo(c.req.method)} ${echo(c.req.path)}`,
        detail: 'Not found.',
      },
      404,
    ),
  );
  app.onError((error, c) => renderError(c, error));
  // The router compiles its matcher on the first match: done here, at start-up, so the isolate's
  // first request does not (a new isolate starts while the TLS handshake runs, its first request
  // waits for all it does; docs/operations.md#start-up). Mounting a domain rebuilds it on its next match.
  app.router.match('GET', '/');
  return app;
}
