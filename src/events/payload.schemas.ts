import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { AppEnv } from '../context';
import { DEMO_COURSE_ID } from '../lib/demo-examples';
import { EVENT_TYPES, type EventType } from './types';

// The events' payloads (docs/events.md#data), for the OpenAPI document's `webhooks` section (what a
// subscription receives) and the feed's answer: one schema per type, inside the CloudEvents envelope.

const UserData = z.object({
  id: z.number().int(),
  is_active: z.boolean(),
  pii: z.object({ username: z.string(), email: z.string(), name: z.string() }),
});

const CourseData = z.object({
  course_key: z.string().openapi({ example: DEMO_COURSE_ID }),
  display_name: z.string().nullable(),
  start: z.string().nullable(),
  end: z.string().nullable(),
});

const EnrollmentData = z.object({
  user: UserData,
  course: CourseData,
  mode: z.string(),
  is_active: z.boolean(),
  creation_date: z.string(),
  created_by: UserData.nullable(),
  previous: z.object({ mode: z.string(), is_active: z.boolean() }).nullable(),
  origin: z.enum(['enrollment_api', 'bulk_enroll', 'allowance', 'program', 'linking', 'retirement', 'import']),
});

const CohortData = z.object({
  user: UserData,
  course: CourseData,
  name: z.string(),
  previous_name: z.string().nullable(),
});

const ProgramEnrollmentData = z.object({
  program_uuid: z.string(),
  student_key: z.string().nullable(),
  status: z.string(),
  curriculum_uuid: z.string(),
  username: z.string().nullable(),
  previous: z.object({ status: z.string(), curriculum_uuid: z.string(), username: z.string().nullable() }).nullable(),
});

const ProgramCourseEnrollmentData = z.object({
  program_uuid: z.string(),
  course_key: z.string(),
  student_key: z.string().nullable(),
  status: z.string(),
  username: z.string().nullable(),
  previous: z.object({ status: z.string() }).nullable(),
});

const EmailData = z.object({
  to: z.string(),
  kind: z.string(),
  course_id: z.string(),
  subject: z.string(),
  body: z.string(),
  language: z.string().nullable(),
});

const DATA_OF: Record<EventType, z.ZodType> = {
  'org.openedx.learning.course.enrollment.created.v1': EnrollmentData,
  'org.openedx.learning.course.enrollment.changed.v1': EnrollmentData,
  'org.openedx.learning.course.unenrollment.completed.v1': EnrollmentData,
  'org.openedx.learning.cohort_membership.changed.v1': CohortData,
  'edge.program.enrollment.changed.v1': ProgramEnrollmentData,
  'edge.program.course_enrollment.changed.v1': ProgramCourseEnrollmentData,
  'edge.notification.email.v1': EmailData,
};

const envelope = (type: z.ZodType, data: z.ZodType) =>
  z.object({
    specversion: z.literal('1.0'),
    id: z.string().openapi({ format: 'uuid', description: 'Stable for the event: also the `webhook-id` header' }),
    seq: z.number().int().openapi({ description: 'Position in the log, strictly increasing in commit order' }),
    source: z.string(),
    type,
    subject: z.string().openapi({ description: 'Course run, program UUID or e-mail recipient' }),
    time: z.string().openapi({ format: 'date-time' }),
    datacontenttype: z.literal('application/json'),
    data,
  });

/** Any event, as the feed returns it. */
export const EventEnvelope = envelope(z.enum(EVENT_TYPES), z.record(z.string(), z.unknown())).openapi('EventEnvelope');

const SIGNATURE_HEADERS = z.object({
  'webhook-id': z.string().openapi({ description: 'The event `id`' }),
  'webhook-timestamp': z.string().openapi({ description: 'Unix seconds of this attempt' }),
  'webhook-signature': z.string().openapi({ description: '`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`' }),
});

/** One `webhooks` entry per event type: what a subscribed receiver is POSTed. */
export function registerEventWebhooks(app: OpenAPIHono<AppEnv>): void {
  for (const type of EVENT_TYPES) {
    app.openAPIRegistry.registerWebhook({
      method: 'post',
      path: type,
      operationId: `event_${type.replaceAll('.', '_')}`,
      summary: `${type}, POSTed to each subscription that wants it`,
      tags: ['Event payloads'],
      // Not a call to this service: the receiver authenticates the POST by its signature headers.
      security: [],
      request: {
        headers: SIGNATURE_HEADERS,
        body: { content: { 'application/cloudevents+json': { schema: envelope(z.literal(type), DATA_OF[type]) } } },
      },
      responses: {
        200: { description: 'Any 2xx within WEBHOOK_TIMEOUT_SECONDS: delivered' },
        410: { description: 'Gone: the subscription is disabled' },
      },
    });
  }
}
