import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { version } from '../../package.json';
import { BOOKMARK_PARAMETER, documentsBookmark, withBookmarkHeader } from './d1-bookmark';
import { errorResponse } from './error-responses';
import { documentIdempotency } from './idempotency-doc';
import { INFO_DOC, TAGS } from './openapi-info';
import { SECURITY } from './route';

// The OpenAPI document (`GET /openapi.json`, src/openapi.ts): imported on that path's first request,
// so no isolate builds what only the document needs before then.

/** What the document is built from: an app's registry (src/openapi.ts's app of every domain). */
type Documented = Pick<OpenAPIHono<Env>, 'openAPIRegistry' | 'getOpenAPI31Document'>;

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
function completeRoutes(app: Documented): void {
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

function tagsOf(app: Documented) {
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
function openApiDocument(app: Documented) {
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

function generate(app: Documented) {
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
function registerJwtCookieSchemes(app: Documented): void {
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

/** The security schemes and the bookmark parameter every operation refers to. */
function registerSharedComponents(doc: Documented): void {
  doc.openAPIRegistry.registerComponent('securitySchemes', 'JwtAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'An edX JWT in `Authorization`, with either prefix: `JWT <token>` (what edX services send) or `Bearer <token>` (what this page sends). HS256 with the shared secret (`JWT_SECRET_KEY`) or RS256/RS512/ES256 by `kid` (`JWT_PUBLIC_SIGNING_JWK_SET`); `iss`, `aud`, `exp` and `nbf` are checked. The first valid token for a username creates the user.',
  });
  doc.openAPIRegistry.registerComponent('securitySchemes', 'ApiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Edx-Api-Key',
    description:
      'The server-to-server key (`EDX_API_KEY`) of trusted services such as e-commerce and the LMS. Compared in constant time; an unset key turns API-key access off. Operations that list only `JwtAuth` ignore it.',
  });
  registerJwtCookieSchemes(doc);
  // Referenced by every operation route() declares as querying D1 (lib/route.ts).
  doc.openAPIRegistry.registerComponent('parameters', 'D1Bookmark', BOOKMARK_PARAMETER);
}

/**
 * The document, as JSON, of the routers `documentAll` puts on an app of its own (every domain's, in
 * mount order), with the shared components after them.
 */
export function documentJson<A extends Documented>(documentAll: (doc: A) => void, doc: A): string {
  documentAll(doc);
  registerSharedComponents(doc);
  return JSON.stringify(openApiDocument(doc));
}
