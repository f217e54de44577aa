import { z } from '@hono/zod-openapi';
import { DEMO_COURSE_ID } from '../lib/demo-examples';
import { ServiceError } from '../lib/error-responses';
import { courseId, username } from '../provisioning/provisioning.schemas';
import { EventEnvelope } from './payload.schemas';
import { EVENT_TYPES, type EventType, isEventType } from './types';

// The pull feed's query and answers (docs/events.md#feed): validated and documented from here; the
// envelope is the one the webhooks section documents too.

export const DEFAULT_FEED_LIMIT = 100;
export const MAX_FEED_LIMIT = 1000;

/** An empty parameter (`?course_id=`) counts as absent, as in the provisioning lists. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema);

// Digits only: zod's coercion would also take `1e3`, ` 7` or `0x10`, which no cursor ever is.
const wholeNumber = (min: number, max: number, fallback: number) =>
  optional(
    z
      .string()
      .regex(/^\d{1,16}$/, 'A whole number.')
      .transform(Number)
      .pipe(z.number().min(min, `At least ${min}.`).max(max, `At most ${max}.`))
      .default(fallback),
  );

const eventTypes = z.string().transform((value, ctx): EventType[] => {
  const items = [...new Set(value.split(',').map((item) => item.trim()))];
  const unknown = items.filter((item) => !isEventType(item));
  if (unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `Unknown event type(s): ${unknown.map((t) => JSON.stringify(t)).join(', ')}. Known: ${EVENT_TYPES.join(', ')}.`,
      input: value,
    });
    return z.NEVER;
  }
  return items as EventType[];
});

export const ChangesQuery = z.object({
  after: wholeNumber(0, Number.MAX_SAFE_INTEGER, 0).openapi({
    type: 'integer',
    minimum: 0,
    default: 0,
    description: 'Return events with a greater `seq`: 0, or the previous page’s `next_after`.',
  }),
  limit: wholeNumber(1, MAX_FEED_LIMIT, DEFAULT_FEED_LIMIT).openapi({
    type: 'integer',
    minimum: 1,
    maximum: MAX_FEED_LIMIT,
    default: DEFAULT_FEED_LIMIT,
  }),
  type: optional(eventTypes.optional()).openapi({
    type: 'string',
    description: `Comma-separated event types, any of: ${EVENT_TYPES.join(', ')}.`,
    example: 'org.openedx.learning.course.enrollment.created.v1,org.openedx.learning.course.enrollment.changed.v1',
  }),
  course_id: optional(courseId.optional()).openapi({
    type: 'string',
    description: 'Events of this course run (course and cohort events, and program-course events).',
    example: DEMO_COURSE_ID,
  }),
  username: optional(username.optional()).openapi({
    type: 'string',
    description: 'Events about this learner.',
    example: 'alice',
  }),
});

export type ChangesQuery = z.output<typeof ChangesQuery>;

export const ChangesPage = z
  .object({
    events: z.array(EventEnvelope),
    next_after: z
      .number()
      .int()
      .openapi({ description: 'The `after` of the next page: the last `seq` returned, or `after`.' }),
    has_more: z
      .boolean()
      .openapi({ description: 'Matching events after the last one returned existed when the page was read.' }),
  })
  .openapi('EventChanges', {
    example: {
      events: [
        {
          specversion: '1.0',
          id: '0b6f4a54-1d7e-4f0c-9d55-6f1f3f7b2f9e',
          seq: 1042,
          source: 'http://localhost:18000',
          type: 'org.openedx.learning.course.enrollment.created.v1',
          subject: DEMO_COURSE_ID,
          time: '2026-12-01T20:11:50.220Z',
          datacontenttype: 'application/json',
          data: {
            user: { id: 12, is_active: true, pii: { username: 'alice', email: 'alice@example.com', name: 'Alice' } },
            course: { course_key: DEMO_COURSE_ID, display_name: 'Demonstration Course', start: null, end: null },
            mode: 'audit',
            is_active: true,
            creation_date: '2026-12-01T20:11:50.220Z',
            created_by: null,
            previous: null,
            origin: 'enrollment_api',
          },
        },
      ],
      next_after: 1042,
      has_more: false,
    },
  });

export const EventsExpired = z
  .object({
    error_code: z.literal('events_expired'),
    developer_message: z.string(),
    oldest_seq: z.number().int().openapi({ description: 'The oldest event the log still holds.' }),
  })
  .openapi('EventsExpired', {
    example: {
      error_code: 'events_expired',
      developer_message:
        'Events after 17 are past retention and were purged: resynchronise from the lists, then read the feed after 1041.',
      oldest_seq: 1042,
    },
  });

/** The 400: every bad parameter named in `field_errors`. */
export const INVALID_FEED_QUERY = {
  description: 'Invalid parameter(s), each named in `field_errors`.',
  content: {
    'application/json': {
      schema: ServiceError,
      example: {
        error_code: 'invalid_request',
        developer_message: 'Invalid fields: type.',
        field_errors: { type: { developer_message: 'Unknown event type(s): "enrollment.created".' } },
      },
    },
  },
};
