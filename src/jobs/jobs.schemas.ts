import { z } from '@hono/zod-openapi';
import { BULK_REQUEST_EXAMPLE, BulkEnrollRequestSchema, BulkState } from '../bulk/bulk.schemas';
import { BUCKETS } from './jobs.plan';

// The bulk job wire shapes (docs/api/bulk-jobs.md). The request is the sync endpoint's, validated
// by the same schema, plus `mode`.

export const MAX_MODE_LENGTH = 100;
export const DEFAULT_PAGE_SIZE = 1000;
export const MAX_PAGE_SIZE = 10_000;

const EXAMPLE_ID = '3f2b8c1e-5d4a-4b6f-9e0d-7a1c2b3d4e5f';
const EXAMPLE_STATUS_URL = `http://localhost:8787/api/bulk_enroll/v1/jobs/${EXAMPLE_ID}`;

// The sync request's fields copied (not `.extend`, which documents an `allOf` of the named schema).
export const BulkJobRequestSchema = z
  .object({
    ...BulkEnrollRequestSchema.shape,
    mode: z
      .preprocess(
        (value) => (value === null || value === '' ? undefined : value),
        z
          .string({ error: 'Not a valid string.' })
          .max(MAX_MODE_LENGTH, `Ensure this field has no more than ${MAX_MODE_LENGTH} characters.`)
          .optional(),
      )
      .transform((value) => value ?? null)
      .openapi({
        type: 'string',
        description: "Course mode slug for new enrollments (default: each course's default mode).",
        example: 'audit',
      }),
  })
  .openapi('BulkJobRequest', { example: BULK_REQUEST_EXAMPLE });

export type BulkJobFields = z.output<typeof BulkJobRequestSchema>;

export const JobParams = z.object({
  job_id: z.string().openapi({ param: { name: 'job_id', in: 'path' }, example: EXAMPLE_ID }),
});

export const JobAcceptedSchema = z
  .object({
    job_id: z.string(),
    status: z.literal('queued'),
    total: z.number().int(),
    status_url: z.string(),
    results_url: z.string(),
  })
  .openapi('BulkJobAccepted', {
    example: {
      job_id: EXAMPLE_ID,
      status: 'queued',
      total: 2,
      status_url: EXAMPLE_STATUS_URL,
      results_url: `${EXAMPLE_STATUS_URL}/results`,
    },
  });

const Counts = z.object(
  Object.fromEntries(BUCKETS.map((b) => [b, z.number().int()])) as Record<(typeof BUCKETS)[number], z.ZodNumber>,
);

export const JobStatusSchema = z
  .object({
    job_id: z.string(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'canceled']),
    action: z.enum(['enroll', 'unenroll']),
    dry_run: z.boolean(),
    total: z.number().int(),
    processed: z.number().int(),
    counts: Counts,
    created: z.string(),
    started: z.string().nullable(),
    finished: z.string().nullable(),
    error: z.string().nullable(),
  })
  .openapi('BulkJob', {
    example: {
      job_id: EXAMPLE_ID,
      status: 'succeeded',
      action: 'enroll',
      dry_run: true,
      total: 2,
      processed: 2,
      counts: { enrolled: 1, unenrolled: 0, allowed: 1, unchanged: 0, invalid: 0 },
      created: '2026-12-01T10:00:00Z',
      started: '2026-12-01T10:00:00.120000Z',
      finished: '2026-12-01T10:00:00.120000Z',
      error: null,
    },
  });

export type JobStatus = z.output<typeof JobStatusSchema>;

export const ResultsQuery = z.object({
  cursor: z.string().optional().openapi({ description: 'From the previous page (`next` or the `Link` header).' }),
  page_size: z.coerce
    .number({ error: 'A valid integer is required.' })
    .int('A valid integer is required.')
    .min(1, 'Ensure this value is greater than or equal to 1.')
    .max(MAX_PAGE_SIZE, `Ensure this value is less than or equal to ${MAX_PAGE_SIZE}.`)
    .optional()
    .openapi({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
});

const PairResult = z.union([
  z.object({ course_id: z.string(), identifier: z.string(), before: BulkState, after: BulkState }),
  z.object({ course_id: z.string(), identifier: z.string(), invalidIdentifier: z.literal(true) }),
  z.object({ course_id: z.string(), identifier: z.string(), error: z.literal(true) }),
]);

export const JobResultsSchema = z
  .object({ results: z.array(PairResult), next: z.string().nullable() })
  .openapi('BulkJobResults', {
    example: {
      results: [
        {
          course_id: 'course-v1:edX+DemoX+Demo_Course',
          identifier: 'alice',
          before: { user: true, enrollment: false, allowed: false, auto_enroll: false },
          after: { user: true, enrollment: true, allowed: false, auto_enroll: false },
        },
      ],
      next: null,
    },
  });

export const CSV_HEADER = [
  'identifier',
  'course_id',
  'result',
  'invalid_identifier',
  'before_user',
  'before_enrollment',
  'before_allowed',
  'before_auto_enroll',
  'after_user',
  'after_enrollment',
  'after_allowed',
  'after_auto_enroll',
] as const;
