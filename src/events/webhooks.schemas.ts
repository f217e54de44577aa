import { z } from '@hono/zod-openapi';
import { isWebhookSecret } from './signature';
import { EVENT_TYPES } from './types';

/** Wire shapes of `/api/admin/v1/webhooks` (docs/events.md#subscriptions): validated and documented. */

export const SubscriptionParams = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9_-]{1,64}$/, 'Lower-case letters, digits, "_" and "-" only (1 to 64).')
    .openapi({ example: 'crm' }),
});

export const MAX_URL_LENGTH = 2048;

// What the documented pattern admits, every string of it a URL the validation below accepts: a DNS
// name whose last label starts with a letter (so the URL parser never reads it as a number) or a
// dotted quad, a port up to 65535, no `--` (a bad `xn--` label fails the parser), no `@` before the
// path. The validation itself takes any absolute http(s) URL without user-info (IPv6, IDN …).
const LABEL = '[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*';
const DNS_NAME = `(?:${LABEL}\\.)*[A-Za-z](?:[A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)`;
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const PORT = '(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})';
export const URL_PATTERN = `^https?://(?:${DNS_NAME}|${OCTET}(?:\\.${OCTET}){3})(?::${PORT})?(?:[/?#]\\S*)?$`;

/** The scheme, host and user-info rules of a subscription URL; `null` when it is acceptable. */
export function urlProblem(value: string): string | null {
  if (!/^https?:\/\/\S+$/i.test(value)) return 'An absolute https:// URL.';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Not a valid URL.';
  }
  // The parser drops an empty user-info (`https://@host`) and reads `\` as `/`: look at the text too.
  const authority = value.slice(value.indexOf('//') + 2).split(/[/\\?#]/, 1)[0] ?? '';
  if (url.username || url.password || authority.includes('@')) return 'May not contain user-info.';
  return null;
}

/** `http://` only where the deployment allows it (`WEBHOOK_ALLOW_HTTP`, local development). */
export const schemeAllowed = (url: string, allowHttp: boolean) => allowHttp || /^https:/i.test(url);

const url = z
  .string()
  .max(MAX_URL_LENGTH, `At most ${MAX_URL_LENGTH} characters.`)
  .superRefine((value, ctx) => {
    const problem = urlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .openapi({
    pattern: URL_PATTERN,
    example: 'https://crm.example.com/hooks/edx',
    description:
      'Absolute `https://` URL without user-info, at most 2048 characters; `http://` only when the service runs with `WEBHOOK_ALLOW_HTTP=true`. The pattern shows the usual forms; IPv6 and internationalised hosts are accepted too.',
  });

const ALL = '*';
type OpenApiSchema = NonNullable<Exclude<Parameters<z.ZodType['openapi']>[0], string>['oneOf']>[number];
/** One variant of a documented `oneOf`: exactly what it admits (zod's JSON Schema is OpenAPI 3.1's). */
function variant(schema: z.ZodType): OpenApiSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input' });
  return json as OpenApiSchema;
}

// A type listed twice is stored once: the list is a set, and a client repeating one gets what it meant.
const eventTypes = z
  .array(
    z.enum([ALL, ...EVENT_TYPES], {
      error: (issue) => (issue.input === undefined ? undefined : 'Not a known event type.'),
    }),
  )
  .min(1, 'List at least one event type, or "*".')
  .superRefine((types, ctx) => {
    if (types.includes(ALL) && types.some((t) => t !== ALL)) {
      ctx.addIssue({ code: 'custom', message: '"*" (every type) stands alone.' });
    }
  })
  .transform((types) => [...new Set(types)])
  .openapi({
    description: '`["*"]` for every type, or the types wanted (a repeated type counts once).',
    example: ['org.openedx.learning.course.enrollment.created.v1'],
    oneOf: [variant(z.array(z.literal(ALL)).min(1).max(1)), variant(z.array(z.enum(EVENT_TYPES)).min(1))],
  });

const SECRET_BASE64 = '[A-Za-z0-9+/]';
/** `whsec_` + base64 of 24 to 64 bytes: 8–21 full quanta, with at most 64 bytes in all. */
export const SECRET_PATTERN = `^whsec_(?:(?:${SECRET_BASE64}{4}){8,20}(?:${SECRET_BASE64}{2}==|${SECRET_BASE64}{3}=)?|(?:${SECRET_BASE64}{4}){21}(?:${SECRET_BASE64}{2}==)?)$`;

const secret = z.string().refine(isWebhookSecret, '"whsec_" followed by the base64 of 24 to 64 bytes.').openapi({
  pattern: SECRET_PATTERN,
  example: 'whsec_ZWRnZS1lbnJvbGxtZW50LXdlYmhvb2stZGVtby1rZXk=',
  description: 'The signing secret; without one, a new subscription gets a generated secret (answered once).',
});

export const SubscriptionBody = z
  .object({
    url,
    event_types: eventTypes,
    enabled: z.boolean().default(true).openapi({ description: 'A disabled subscription receives nothing.' }),
    secret: secret.optional(),
  })
  .openapi('WebhookSubscriptionInput', {
    example: { url: 'https://crm.example.com/hooks/edx', event_types: ['*'] },
  });

const dateTime = z.string().openapi({ format: 'date-time', example: '2026-12-01T20:11:50.220000Z' });

export const Subscription = z
  .object({
    name: z.string(),
    url: z.string(),
    event_types: z.array(z.string()),
    enabled: z.boolean(),
    created: dateTime,
    updated: dateTime,
  })
  .openapi('WebhookSubscription', {
    example: {
      name: 'crm',
      url: 'https://crm.example.com/hooks/edx',
      event_types: ['*'],
      enabled: true,
      created: '2026-12-01T20:11:50.220000Z',
      updated: '2026-12-01T20:11:50.220000Z',
    },
  });

export const SubscriptionWritten = Subscription.extend({
  secret: z.string().optional().openapi({
    description: 'Only when this call generated the secret (created without one) or was given it.',
  }),
}).openapi('WebhookSubscriptionWritten');

export const SubscriptionList = z.object({ results: z.array(Subscription) }).openapi('WebhookSubscriptionList');

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export const MAX_DELIVERIES_LIMIT = 1000;
export const DEFAULT_DELIVERIES_LIMIT = 100;

const optionalFilter = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const DeliveriesQuery = z.object({
  status: optionalFilter(z.enum(DELIVERY_STATUSES)),
  limit: optionalFilter(z.coerce.number().int().min(1).max(MAX_DELIVERIES_LIMIT)).openapi({
    type: 'integer',
    minimum: 1,
    maximum: MAX_DELIVERIES_LIMIT,
    default: DEFAULT_DELIVERIES_LIMIT,
  }),
});

export const DeliveryList = z
  .object({
    results: z.array(
      z.object({
        event_id: z.string(),
        seq: z.number().int(),
        type: z.string(),
        status: z.enum(DELIVERY_STATUSES),
        attempts: z.number().int(),
        last_status_code: z.number().int().nullable(),
        last_error: z.string().nullable(),
        next_attempt_at: dateTime.nullable(),
        delivered_at: dateTime.nullable(),
      }),
    ),
  })
  .openapi('WebhookDeliveryList');

/** Events one replay re-delivers at most (docs/events.md#subscriptions). */
export const REPLAY_LIMIT = 10_000;

const EVENT_ID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
const REPLAY = {
  after_seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  event_ids: z
    .array(z.string().regex(EVENT_ID, 'Not an event id (a UUID).'))
    .min(1, 'List at least one event id.')
    .max(REPLAY_LIMIT, `At most ${REPLAY_LIMIT} event ids.`),
};
const ONE_OF = 'Give exactly one of after_seq and event_ids.';

export const ReplayBody = z
  .object({ after_seq: REPLAY.after_seq.optional(), event_ids: REPLAY.event_ids.optional() })
  .superRefine((body, ctx) => {
    if ((body.after_seq === undefined) === (body.event_ids === undefined)) {
      for (const field of ['after_seq', 'event_ids']) ctx.addIssue({ code: 'custom', path: [field], message: ONE_OF });
    }
  })
  // Ids are stored lower-case.
  .transform((body) =>
    body.event_ids === undefined
      ? { afterSeq: body.after_seq ?? 0 }
      : { eventIds: body.event_ids.map((id) => id.toLowerCase()) },
  )
  .openapi('WebhookReplayInput', {
    description: `The events after \`after_seq\` (ascending), or those of \`event_ids\`; at most ${REPLAY_LIMIT} per call.`,
    oneOf: [
      variant(z.strictObject({ after_seq: REPLAY.after_seq })),
      variant(z.strictObject({ event_ids: REPLAY.event_ids })),
    ],
    example: { after_seq: 1000 },
  });

export const ReplayResult = z
  .object({
    queued: z.number().int().openapi({ description: 'Events queued again: those matching the subscription.' }),
  })
  .openapi('WebhookReplayResult', { example: { queued: 42 } });
