import { swaggerUI } from '@hono/swagger-ui';
import { OpenAPIHono } from '@hono/zod-openapi';
import { version } from '../package.json';
import type { AppEnv } from './context';
import { BOOKMARK_PARAMETER, documentsBookmark, withBookmarkHeader } from './lib/d1-bookmark';
import { errorResponse } from './lib/error-responses';
import { documentIdempotency } from './lib/idempotency-doc';
import { SECURITY } from './lib/route';

/**
 * A domain's sub-app. Endpoints are declared on it with `route()` (lib/route.ts); `app.route()`
 * merges their documentation into `/openapi.json`.
 */
export const createRouter = () => new OpenAPIHono<AppEnv>();

export type Router = ReturnType<typeof createRouter>;

const TAGS = [
  { name: 'Enrollment API', description: 'Open edX Enrollment API v1 (`/api/enrollment/v1`), as the LMS serves it.' },
  {
    name: 'Bulk enrollment',
    description: 'Instructor-dashboard style enroll/unenroll of many learners in several course runs (global staff).',
  },
  {
    name: 'Bulk enrollment jobs',
    description:
      'The bulk enrollment request for up to a million pairs, applied in the background: progress, results, cancel.',
  },
  {
    name: 'Program enrollments',
    description:
      'Open edX program enrollments API v1 (`/api/program_enrollments/v1`): program and program-course enrollments, grades, overviews.',
  },
  { name: 'Cohorts', description: 'A course run’s cohorts (course staff, global staff or the API key).' },
  {
    name: 'Provisioning: users',
    description: 'The LMS pushes users here (API key or global staff); JWTs also create users just in time.',
  },
  {
    name: 'Provisioning: courses',
    description: 'Studio and course discovery push course runs, modes, embargoes and course roles here.',
  },
  {
    name: 'Provisioning: programs',
    description:
      'Organizations, SSO external ids, catalog programs, and the grades, certificates, progress and due dates the LMS reports.',
  },
  { name: 'Provisioning: audit', description: 'Read-only records for support and operations.' },
  {
    name: 'Provisioning: import',
    description:
      'Onboarding an existing Open edX installation: users and enrollments as NDJSON, 5,000 lines per call, original dates kept.',
  },
  {
    name: 'Events',
    description:
      'The change feed and webhook subscriptions (API key or global staff): every enrollment, cohort and program change, and every queued e-mail, in one ordered log.',
  },
  {
    name: 'Webhooks',
    description:
      'Webhook subscriptions under `/api/admin/v1/webhooks`: create, replace, list, delete, their deliveries, replay.',
  },
  {
    name: 'Event payloads',
    description:
      'What a webhook subscription receives: a CloudEvents envelope per event type, signed with the Standard Webhooks headers.',
  },
  {
    name: 'Browser clients',
    description:
      "Micro-frontends call the API from the learner's browser with the JWT cookie pair (`USE-JWT-COOKIE: true`) and a CSRF token on writes.",
  },
  {
    name: 'Operations',
    description:
      'Readiness for load balancers and deploys; `GET /health` (liveness, no storage) is not documented here.',
  },
];

const AUTH_DOC = `**Authentication.** Each operation lists what it accepts:

- \`JwtAuth\`: an edX JWT in the \`Authorization\` header. edX services send \`Authorization: JWT <token>\`;
  \`Authorization: Bearer <token>\` is accepted the same way (this page's *Authorize* button sends \`Bearer\`).
  Locally, \`npm run token -- alice\` (learner) or \`npm run token -- staff --staff\` (global staff) prints one.
- \`JwtCookie\` + \`JwtCookieSignature\` + \`UseJwtCookie\`: the same JWT from a learner's browser, split over the
  cookies \`edx-jwt-cookie-header-payload\` (header.payload) and \`edx-jwt-cookie-signature\`, read when the request
  sends \`USE-JWT-COOKIE\` and no \`Authorization\`. Writes made this way also need \`X-CSRFToken\` (from
  \`GET /csrf/api/v1/token\`).
- \`ApiKey\`: the shared server-to-server key in \`X-Edx-Api-Key\` (\`EDX_API_KEY\`; \`dev-only-api-key\` in \`.dev.vars\`).`;

const INFO_DOC = `The Open edX Enrollment API v1, bulk enrollment, program enrollments, cohorts and the provisioning
API, served by a Cloudflare Worker (D1 + KV). This document is generated from the zod schemas that validate each
request.

${AUTH_DOC}

**Errors.** Bodies keep each endpoint's upstream shape: \`{"detail"}\` (authentication, permission,
throttling), \`{"message"}\` (enrollment), DRF field maps, \`{"developer_message"}\` (admin list, cohorts) or
\`{"error_code", "developer_message"}\` (provisioning and the service itself). Any operation may also answer
413 (body over 1 MiB) or 500 (a misconfigured variable, named; or an unexpected error with its request id).
Throttled calls get 429 with \`Retry-After\` and \`RateLimit-*\` headers.

**Read-your-writes.** An answer of a request that queried D1 carries \`x-d1-bookmark\`; send it back as
\`x-d1-bookmark\` on the next request to read at least what that request wrote, from any read replica. A
malformed bookmark, or one D1 refuses, answers 400 \`{"error_code": "invalid_bookmark", …}\`.

**Demo data** (\`npm start\` seeds it): course runs \`course-v1:edX+DemoX+Demo_Course\` (audit + verified),
\`course-v1:edX+UpgradeX+2024\`, \`course-v1:edX+InviteX+2025\`, \`course-v1:edX+EmbargoX+2025\`,
\`course-v1:OpenX+SelfPaced+2025\`; users \`alice\`, \`bob\` (enrolled in the demo course), \`carol\` (its
course staff) and \`staff\` (global staff).`;

/** `get /api/enrollment/v1/enrollment/{username},{course_id}` → `getEnrollmentV1EnrollmentByUsernameCourseId`. */
export function operationIdFor(method: string, path: string): string {
  const pascal = (s: string) =>
    s
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w[0]?.toUpperCase() + w.slice(1))
      .join('');
  const segments = path
    .replace(/^\/api\//, '/')
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      const params = [...segment.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
      return params.length ? `By${params.map(pascal).join('')}` : pascal(segment);
    });
  return method.toLowerCase() + segments.join('');
}

/**
 * Fills in what every documented route shares, once all domains are mounted: a stable operationId
 * (typed clients and deep links use it), the anonymous requirement when a route names none, the
 * app-level 413/500 answers, and on every write the Idempotency-Key header and its answers.
 */
function completeRoutes(app: OpenAPIHono<AppEnv>): void {
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== 'route') continue;
    const route = definition.route;
    route.operationId ??= operationIdFor(route.method, route.path);
    route.security ??= SECURITY.anonymous;
    const responses = { ...route.responses };
    // Both may come after D1 queries (a streamed body overflows when the handler reads it).
    const shared = (status: 413 | 500) =>
      documentsBookmark(route)
        ? withBookmarkHeader(errorResponse('service', status), String(status))
        : errorResponse('service', status);
    if (route.request?.body) responses[413] ??= shared(413);
    responses[500] ??= shared(500);
    route.responses = responses;
    documentIdempotency(route);
    // The key's 400/409/422 (added just above) can follow D1 queries too.
    if (documentsBookmark(route)) {
      for (const status of ['400', '409', '422']) {
        const answer = route.responses[status];
        if (answer && !('$ref' in answer)) route.responses[status] = withBookmarkHeader(answer, status);
      }
    }
  }
}

function tagsOf(app: OpenAPIHono<AppEnv>) {
  const used = new Set<string>();
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type === 'route') for (const tag of definition.route.tags ?? []) used.add(tag);
    if (definition.type === 'webhook') for (const tag of definition.webhook.tags ?? []) used.add(tag);
  }
  const known = TAGS.filter((tag) => used.has(tag.name));
  const unknown = [...used].filter((name) => !TAGS.some((tag) => tag.name === name)).map((name) => ({ name }));
  return [...known, ...unknown];
}

/** The OpenAPI 3.1 document of every route documented so far. */
function openApiDocument(app: OpenAPIHono<AppEnv>) {
  completeRoutes(app);
  try {
    return withoutRegexFlags(generate(app));
  } catch (error) {
    // zod-to-openapi throws plain objects ({ message, data }): keep what they say in the 500's log line.
    const detail = error instanceof Error ? error.message : JSON.stringify(error);
    throw new Error(`OpenAPI document generation failed: ${detail}`, { cause: error });
  }
}

/**
 * zod-to-openapi 9 writes a regex's `pattern` as `regex.toString()` minus the first and last `/`, so
 * `/^[\p{L}]+$/u` becomes `^[\p{L}]+$/u`, which no client can match. JSON Schema patterns are
 * unicode-aware ECMA-262 and take no flags: drop the `/flags` tail.
 */
function withoutRegexFlags<T>(node: T): T {
  if (Array.isArray(node)) {
    for (const item of node) withoutRegexFlags(item);
  } else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      if (key === 'pattern' && typeof value === 'string') {
        record[key] = value.replace(/(?<!\\)\/[dgimsuvy]+$/, '');
      } else {
        withoutRegexFlags(value);
      }
    }
  }
  return node;
}

function generate(app: OpenAPIHono<AppEnv>) {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Open edX enrollment service (edge)',
      version,
      description: INFO_DOC,
    },
    servers: [{ url: '/', description: 'The server this document was loaded from' }],
    tags: tagsOf(app),
  });
}

/** The browser's JWT cookie pair and the header that asks for it (names are the defaults; see configuration). */
function registerJwtCookieSchemes(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'JwtCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: 'edx-jwt-cookie-header-payload',
    description:
      "The JWT's `header.payload` (`JWT_AUTH_COOKIE_HEADER_PAYLOAD`), set by the LMS at login. Only with `JwtCookieSignature` and `UseJwtCookie`; the joined token is checked exactly as `JwtAuth`.",
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'JwtCookieSignature', {
    type: 'apiKey',
    in: 'cookie',
    name: 'edx-jwt-cookie-signature',
    description: "The same JWT's signature (`JWT_AUTH_COOKIE_SIGNATURE`).",
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'UseJwtCookie', {
    type: 'apiKey',
    in: 'header',
    name: 'USE-JWT-COOKIE',
    description:
      'Any non-empty value (`true`) asks for the cookie pair to be read; ignored when `Authorization` is sent. POST, PUT, PATCH and DELETE made this way need `X-CSRFToken`.',
  });
}

/** `GET /openapi.json`, built on first use (all domains are mounted by then) and kept for the isolate. */
export function registerOpenApiDocument(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'JwtAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'An edX JWT in `Authorization`, with either prefix: `JWT <token>` (what edX services send) or `Bearer <token>` (what this page sends). HS256 with the shared secret (`JWT_SECRET_KEY`) or RS256/RS512/ES256 by `kid` (`JWT_PUBLIC_SIGNING_JWK_SET`); `iss`, `aud`, `exp` and `nbf` are checked. The first valid token for a username creates the user.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'ApiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Edx-Api-Key',
    description:
      'The server-to-server key (`EDX_API_KEY`) of trusted services such as e-commerce and the LMS. Compared in constant time; an unset key turns API-key access off. Operations that list only `JwtAuth` ignore it.',
  });
  registerJwtCookieSchemes(app);
  // Referenced by every operation route() declares as querying D1 (lib/route.ts).
  app.openAPIRegistry.registerComponent('parameters', 'D1Bookmark', BOOKMARK_PARAMETER);
  let cached: string | undefined;
  app.get('/openapi.json', () => {
    cached ??= JSON.stringify(openApiDocument(app));
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
