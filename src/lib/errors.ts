import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * A refusal with its exact wire body. Services throw it; `app.onError` renders it. Bodies keep the
 * upstream shapes (`{"message"}`, `{"detail"}`, DRF field maps) or the developer-error shape for
 * anything new (docs/api/conventions.md#errors).
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
    this.name = 'ApiError';
  }
}

export const messageError = (status: ContentfulStatusCode, message: string, extra: Record<string, unknown> = {}) =>
  new ApiError(status, { message, ...extra });

export const NOT_FOUND_DETAIL = { detail: 'Not found.' };

/** What a body over the 1 MiB limit gets, on any path (docs/api/conventions.md#errors). */
export const PAYLOAD_TOO_LARGE = {
  error_code: 'payload_too_large',
  developer_message: 'Request body exceeds the 1 MiB limit.',
} as const;
/** A write whose Idempotency-Key another request holds (docs/api/idempotency.md#in-use). */
export const IDEMPOTENCY_KEY_IN_USE = {
  error_code: 'idempotency_key_in_use',
  developer_message: 'A request with this Idempotency-Key is still being processed; retry when it has finished.',
} as const;

export const notFoundDetail = () => new ApiError(404, NOT_FOUND_DETAIL);

export interface DeveloperErrorBody {
  error_code: string;
  developer_message: string;
  field_errors?: Record<string, { developer_message: string }>;
}

export const developerError = (
  status: ContentfulStatusCode,
  errorCode: string,
  developerMessage: string,
  fieldErrors?: Record<string, string>,
) => {
  const body: DeveloperErrorBody = { error_code: errorCode, developer_message: developerMessage };
  if (fieldErrors) {
    body.field_errors = Object.fromEntries(
      Object.entries(fieldErrors).map(([field, message]) => [field, { developer_message: message }]),
    );
  }
  return new ApiError(status, body);
};

/** Upstream's permission messages, shared by the endpoints that use DRF's `detail` shape. */
export const AUTH_MESSAGES = {
  notAuthenticated: 'Authentication credentials were not provided.',
  forbidden: 'You do not have permission to perform this action.',
} as const;
