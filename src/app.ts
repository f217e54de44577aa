import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { cors } from './browser/cors';
import { csrfTokenRoutes } from './browser/csrf-token.routes';
import { bulkRoutes } from './bulk/bulk.routes';
import { cohortRoutes } from './cohorts/cohorts.routes';
import { memberRoutes } from './cohorts/members.routes';
import type { AppEnv } from './context';
import { enrollmentAdminRoutes } from './enrollments/admin.routes';
import { enrollmentRoutes } from './enrollments/enrollments.routes';
import { dispatchAfterWrites } from './events/dispatch.middleware';
import { feedRoutes } from './events/feed.routes';
import { registerEventWebhooks } from './events/payload.schemas';
import { webhookRoutes } from './events/webhooks.routes';
import { healthRoutes } from './health/health.routes';
import { idempotencyKeys } from './idempotency/idempotency.middleware';
import { JOB_BODY_BYTES, jobBodyTooLarge } from './jobs/jobs.limits';
import { jobRoutes } from './jobs/jobs.routes';
import { echo } from './lib/echo';
import { PAYLOAD_TOO_LARGE } from './lib/errors';
import { SplitRouter } from './lib/split-router';
import { answerMethodNotAllowed } from './middleware/method-not-allowed';
import { jsonResponse, renderError } from './middleware/render-error';
import { requestContext } from './middleware/request-context';
import { docsPage, registerOpenApiDocument } from './openapi';
import { programRoutes } from './programs';
import { provisioningRoutes } from './provisioning';
import { accountFromClaims } from './users/users.service';

export const MAX_BODY_BYTES = 1024 * 1024;

const isJobCreation = (method: string, path: string) =>
  method === 'POST' && /^\/api\/bulk_enroll\/v1\/jobs\/?$/.test(path);

export interface AppOptions {
  /** The clock behind `Deps.now`; tests move the throttle's window with it instead of waiting. */
  now?: () => number;
}

export function createApp({ now = Date.now }: AppOptions = {}) {
  // strict: false — every path also matches with a trailing slash, as upstream's URL patterns do.
  // The program API's `/programs/enrollments` beside `/programs/{program_uuid}/…` needs the trie
  // router; everything else keeps the one-regex matcher (lib/split-router.ts).
  const app = new OpenAPIHono<AppEnv>({
    strict: false,
    router: new SplitRouter(['/api/program_enrollments/v1/programs']),
  });

  // Just-in-time user sync is the users domain's, handed in here so auth/ imports no domain.
  app.use('*', requestContext({ syncUser: accountFromClaims, now }));
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
  app.route('/api/enrollment/v1', enrollmentRoutes);
  app.route('/api/enrollment/v1', enrollmentAdminRoutes);
  app.route('/api/bulk_enroll/v1', bulkRoutes);
  app.route('/api/bulk_enroll/v1', jobRoutes);
  app.route('/api/admin/v1', provisioningRoutes);
  app.route('/api/admin/v1', webhookRoutes);
  app.route('/api/events/v1', feedRoutes);
  app.route('/api/cohorts/v1', cohortRoutes);
  app.route('/api/cohorts/v1', memberRoutes);
  app.route('/api/program_enrollments/v1', programRoutes);
  app.route('/', healthRoutes);
  app.route('/', csrfTokenRoutes);
  registerEventWebhooks(app);
  registerOpenApiDocument(app);
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
  return app;
}
