import { z } from '@hono/zod-openapi';
import { DEMO_COURSE_ID } from '../lib/demo-examples';
import { courseId, text } from './provisioning.schemas';

// Read-only records for support (docs/api/provisioning.md#audit, #outbox): filters and answers.

const optionalFilter = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const AuditQuery = z.object({
  course_id: optionalFilter(courseId),
  email: optionalFilter(text(254)),
  // Not in upstream: bounds the answer (newest first), so a busy course cannot blow up a response.
  limit: optionalFilter(z.coerce.number().int().min(1).max(1000)).openapi({ type: 'integer', default: 100 }),
});

export const OutboxQuery = z.object({
  to: optionalFilter(text(320)),
  course_id: optionalFilter(courseId),
  // Same bound as the audit list.
  limit: optionalFilter(z.coerce.number().int().min(1).max(1000)).openapi({ type: 'integer', default: 100 }),
});

export const AuditList = z
  .object({
    results: z.array(
      z.object({
        course_id: z.string(),
        enrolled_email: z.string(),
        enrolled_by: z.string().nullable(),
        time_stamp: z.string(),
        state_transition: z.string(),
        reason: z.string().nullable(),
        role: z.string().nullable(),
      }),
    ),
  })
  .openapi('ManualEnrollmentAuditList', {
    example: {
      results: [
        {
          course_id: DEMO_COURSE_ID,
          enrolled_email: 'bob@example.com',
          enrolled_by: 'staff',
          time_stamp: '2026-01-05T09:00:00Z',
          state_transition: 'from unenrolled to enrolled',
          reason: 'Manual enrollment by support',
          role: null,
        },
      ],
    },
  });

export const OutboxList = z
  .object({
    results: z.array(
      z.object({
        to: z.string(),
        kind: z.enum(['enrolled_enroll', 'allowed_enroll', 'enrolled_unenroll', 'allowed_unenroll']),
        course_id: z.string(),
        subject: z.string().openapi({ example: 'You have been enrolled in Demonstration Course' }),
        body: z.string(),
        created: z.string(),
      }),
    ),
  })
  .openapi('OutboxList');
