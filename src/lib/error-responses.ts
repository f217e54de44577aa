import { z } from '@hono/zod-openapi';
import { AUTH_MESSAGES, NOT_FOUND_DETAIL, PAYLOAD_TOO_LARGE } from './errors';
import { type ErrorStyle, styledBody } from './http';

// The one catalogue of the error answers many operations share, spread into each route's
// `responses` (and completed by openapi.ts for 413/500), so no routes file rebuilds them.

/** DRF's `{"detail"}`: authentication, permission, throttling and "Not found." of upstream endpoints. */
export const DetailError = z
  .object({
    detail: z.string().openapi({
      description:
        'DRF\'s message, e.g. "Authentication credentials were not provided." (401), "You do not have permission to perform this action." (403), "Not found." (404), "Request was throttled. Expected available in 42 seconds." (429).',
    }),
  })
  .openapi('DetailError');

/** Upstream's DeveloperErrorViewMixin body (admin list E8, cohorts). Not this service's `ServiceError`. */
export const DeveloperMessageError = z
  .object({
    developer_message: z.string().optional(),
    field_errors: z.record(z.string(), z.object({ developer_message: z.string() })).optional(),
  })
  .openapi('DeveloperMessageError', {
    example: { developer_message: 'You do not have permission to perform this action.' },
  });

/** This service's own shape: provisioning, and what the app itself answers anywhere (413, 500). */
export const ServiceError = z
  .object({
    error_code: z.string().openapi({ example: 'bad_configuration' }),
    developer_message: z.string().openapi({ example: 'Invalid service configuration: THROTTLE_USER_RATE' }),
    field_errors: z
      .record(z.string(), z.object({ developer_message: z.string() }))
      .optional()
      .openapi({ example: { THROTTLE_USER_RATE: { developer_message: 'Expected N/second|minute|hour|day.' } } }),
  })
  .openapi('ServiceError');

export type SharedErrorStatus = 401 | 403 | 404 | 413 | 429 | 500;

const SCHEMAS = { detail: DetailError, developer: DeveloperMessageError, service: ServiceError };

const DESCRIPTIONS: Record<SharedErrorStatus, string> = {
  401: 'Not authenticated: no credentials, or a JWT that is malformed, expired or not ours.',
  403: 'Authenticated but not allowed (restricted applications included).',
  404: 'Not found.',
  413: 'Body over 1 MiB (`payload_too_large`).',
  429: 'Throttled; `Retry-After` says when to retry.',
  500: '`bad_configuration` (names the variable) or `internal_error` (with the request id).',
};

const BAD_CONFIGURATION = {
  error_code: 'bad_configuration',
  developer_message: 'Invalid service configuration: THROTTLE_USER_RATE',
  field_errors: {
    THROTTLE_USER_RATE: { developer_message: 'THROTTLE_USER_RATE must look like N/second|minute|hour|day' },
  },
};
const THROTTLED = 'Request was throttled. Expected available in 42 seconds.';

/**
 * What each shared answer looks like on the wire, as the media type's example: Swagger UI otherwise
 * shows `{"detail": "string"}` built from the schema.
 */
const EXAMPLES: Record<ErrorStyle, Record<Exclude<SharedErrorStatus, 413 | 500>, unknown>> = {
  detail: {
    401: styledBody('detail', 'not_authenticated', AUTH_MESSAGES.notAuthenticated),
    403: styledBody('detail', 'forbidden', AUTH_MESSAGES.forbidden),
    404: NOT_FOUND_DETAIL,
    429: styledBody('detail', 'throttled', THROTTLED),
  },
  developer: {
    401: styledBody('developer', 'not_authenticated', AUTH_MESSAGES.notAuthenticated),
    403: styledBody('developer', 'forbidden', AUTH_MESSAGES.forbidden),
    // The one developer-style 404 declared here: the admin list's unknown cursor.
    404: { developer_message: 'Invalid cursor' },
    429: styledBody('developer', 'throttled', THROTTLED),
  },
  service: {
    401: styledBody('service', 'not_authenticated', AUTH_MESSAGES.notAuthenticated),
    403: styledBody('service', 'forbidden', AUTH_MESSAGES.forbidden),
    404: styledBody('service', 'not_found', 'Not found.'),
    429: styledBody('service', 'throttled', THROTTLED),
  },
};

const exampleOf = (style: ErrorStyle, status: SharedErrorStatus) => {
  if (status === 413) return PAYLOAD_TOO_LARGE;
  if (status === 500) return BAD_CONFIGURATION;
  return EXAMPLES[style][status];
};

/** 413 and 500 come from the app itself, before or around any endpoint: always `ServiceError`. */
const APP_LEVEL = new Set<SharedErrorStatus>([413, 500]);

/** One shared error answer; `description` replaces the standard text where a route says more. */
export const errorResponse = (style: ErrorStyle, status: SharedErrorStatus, description = DESCRIPTIONS[status]) => ({
  description,
  content: {
    'application/json': {
      schema: SCHEMAS[APP_LEVEL.has(status) ? 'service' : style],
      example: exampleOf(style, status),
    },
  },
});

/** The shared answers of these statuses in the endpoint's style, to spread into `responses`. */
export function errorResponses<S extends SharedErrorStatus>(style: ErrorStyle, ...statuses: S[]) {
  return Object.fromEntries(statuses.map((status) => [status, errorResponse(style, status)])) as Record<
    S,
    ReturnType<typeof errorResponse>
  >;
}

/** A documented answer as `errorResponse` builds it (or a route's own, of the same form). */
export type SharedResponse = ReturnType<typeof errorResponse>;

/** What a cookie-authenticated write refused by the CSRF check answers, on every endpoint. */
export const CSRF_FAILED_EXAMPLE = { detail: 'CSRF Failed: CSRF token missing.' };
const CSRF_DESCRIPTION =
  'For a call authenticated with the JWT cookies, a failed CSRF check answers `{"detail": "CSRF Failed: <reason>"}`: `Origin checking failed - <origin> does not match any trusted origins.`, `CSRF cookie not set.`, `CSRF token missing.` or `CSRF token incorrect.`';

/**
 * The 403 of a write that accepts the JWT cookies: the endpoint's own 403, if any, plus the CSRF
 * failure, whose body is DRF's `{"detail"}` whatever the endpoint's style.
 */
export function withCsrfFailure(own: SharedResponse | undefined) {
  if (!own)
    return {
      description: CSRF_DESCRIPTION,
      content: { 'application/json': { schema: DetailError, example: CSRF_FAILED_EXAMPLE } },
    };
  const media = own.content['application/json'];
  const schema = media.schema === DetailError ? DetailError : z.union([media.schema, DetailError]);
  return {
    description: `${own.description} ${CSRF_DESCRIPTION}`,
    content: { 'application/json': { ...media, schema } },
  };
}
