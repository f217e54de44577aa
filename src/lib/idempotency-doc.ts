import { type RouteConfig, z } from '@hono/zod-openapi';
import { ServiceError } from './error-responses';

// What every write documents about Idempotency-Key (docs/api/idempotency.md), added by openapi.ts to
// each POST/PUT/PATCH/DELETE operation, so no route can forget it.

const WRITES = new Set(['post', 'put', 'patch', 'delete']);

const KeyHeader = z.object({
  'Idempotency-Key': z.string().optional().openapi({
    description:
      'Makes the write safe to retry: 1–255 visible ASCII characters, bare (`k1`) or as a Structured-Field string (`"k1"`). The first answer is kept for `IDEMPOTENCY_TTL_SECONDS` (default one day) per caller, method and path; a retry with the same key and request gets it again with `Idempotent-Replayed: true`, and nothing is applied twice. 401, 403, 429 and 5xx answers are not kept.',
    example: '7f1c9a52-0f4e-4d2b-9a53-5c1b2e0d8a61',
  }),
});

const REPLAYED_HEADER = {
  'Idempotent-Replayed': {
    description: '`true` when this is the kept answer of an earlier request with the same `Idempotency-Key`.',
    schema: { type: 'string' as const, enum: ['true'] },
  },
};

const keyError = (errorCode: string, developerMessage: string) => ({
  error_code: errorCode,
  developer_message: developerMessage,
});
const INVALID = keyError('invalid_idempotency_key', 'Idempotency-Key is longer than 255 characters.');
const IN_USE = keyError(
  'idempotency_key_in_use',
  'A request with this Idempotency-Key is still being processed; retry when it has finished.',
);
const REUSED = keyError(
  'idempotency_key_reused',
  'This Idempotency-Key was already used for a different request (method, path, query, content type or body).',
);

type Responses = RouteConfig['responses'];

const json = (description: string, example: unknown, headers?: Record<string, unknown>) =>
  ({
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: ServiceError, example } },
  }) as Responses[string];

type Response = { description?: string; headers?: unknown; content?: Record<string, { schema?: unknown }> };

/** The endpoint's own answer of a status with the key's beside it (one status, two bodies). */
function besides(existing: Response | undefined, own: Responses[string], note: string) {
  if (!existing?.content) return own;
  const content = Object.fromEntries(
    Object.entries(existing.content).map(([type, media]) => {
      const schema = media.schema === ServiceError ? media.schema : z.union([media.schema as z.ZodType, ServiceError]);
      return [type, { ...media, schema }];
    }),
  );
  return { ...existing, description: `${existing.description ?? ''} ${note}`.trim(), content } as Responses[string];
}

const IN_USE_HEADERS = { 'Retry-After': { description: 'Seconds to wait: `1`.', schema: { type: 'integer' } } };

/** A write's header, `Idempotent-Replayed` on its successes, and the key's 400/409/422. */
export function documentIdempotency(route: RouteConfig): void {
  if (!WRITES.has(route.method)) return;
  const request = route.request ?? {};
  // Beside the route's own documented headers (X-CSRFToken on cookie-authenticated writes).
  const own = request.headers;
  const headers = own instanceof z.ZodObject ? own.extend(KeyHeader.shape) : (own ?? KeyHeader);
  route.request = { ...request, headers };
  const responses: Responses = { ...route.responses };
  for (const [status, response] of Object.entries(responses)) {
    if (!status.startsWith('2') || '$ref' in response) continue;
    responses[status] = { ...response, headers: { ...(response.headers as object), ...REPLAYED_HEADER } };
  }
  const ownAnswer = (status: number) => responses[status] as Response | undefined;
  responses[400] = besides(
    ownAnswer(400),
    json('A malformed `Idempotency-Key` (`invalid_idempotency_key`).', INVALID),
    'Or `invalid_idempotency_key`: a malformed `Idempotency-Key`.',
  );
  responses[409] = besides(
    ownAnswer(409),
    json('The `Idempotency-Key` is held by a request still running (`Retry-After: 1`).', IN_USE, IN_USE_HEADERS),
    'Or `idempotency_key_in_use` (with `Retry-After: 1`): the `Idempotency-Key` is held by a request still running.',
  );
  responses[422] = besides(
    ownAnswer(422),
    json('The `Idempotency-Key` was used for another request (`idempotency_key_reused`).', REUSED),
    'Or `idempotency_key_reused`: the `Idempotency-Key` was used for another request.',
  );
  route.responses = responses;
}
