import { z } from '@hono/zod-openapi';

// Documentation of the bulk enrollment wire shapes. Validation follows the spec's DRF rules field by
// field (bulk.request.ts), which a single zod parse cannot order; these describe the same fields.

const CommaList = z.union([z.string(), z.array(z.string())]);
const Flag = z.union([z.boolean(), z.string()]).optional();

export const BulkEnrollRequestSchema = z
  .object({
    identifiers: z.string().openapi({
      description: 'Usernames and/or e-mails separated by commas, spaces or new lines.',
      example: 'alice, new.learner@example.com',
    }),
    courses: CommaList.openapi({ description: 'Course run ids (comma-separated or an array).' }),
    action: z.enum(['enroll', 'unenroll']),
    cohorts: CommaList.optional().openapi({ description: 'One cohort name per course (enroll only).' }),
    auto_enroll: Flag,
    email_students: Flag,
    reason: z.string().optional(),
    dry_run: Flag.openapi({ description: 'Compute every result without changing anything or queuing e-mail.' }),
  })
  .openapi('BulkEnrollRequest', {
    // The seeded demo course; a dry run, so trying it changes nothing.
    example: {
      identifiers: 'alice, new.learner@example.com',
      courses: 'course-v1:edX+DemoX+Demo_Course',
      action: 'enroll',
      auto_enroll: true,
      email_students: false,
      dry_run: true,
    },
  });

const State = z.object({
  user: z.boolean(),
  enrollment: z.boolean(),
  allowed: z.boolean(),
  auto_enroll: z.boolean(),
  cohort: z.string().nullable().optional(),
});

const Result = z.union([
  z.object({ identifier: z.string(), before: State, after: State }),
  z.object({ identifier: z.string(), invalidIdentifier: z.literal(true) }),
  z.object({ identifier: z.string(), error: z.literal(true) }),
]);

export const BulkEnrollResponseSchema = z
  .object({
    auto_enroll: z.boolean(),
    email_students: z.boolean(),
    action: z.enum(['enroll', 'unenroll']),
    courses: z.record(
      z.string(),
      z.object({ action: z.enum(['enroll', 'unenroll']), auto_enroll: z.boolean(), results: z.array(Result) }),
    ),
    dry_run: z.literal(true).optional(),
  })
  .openapi('BulkEnrollResponse', {
    // What the request example answers on the seeded data: alice exists, the e-mail gets an allowance.
    example: {
      auto_enroll: true,
      email_students: false,
      action: 'enroll',
      courses: {
        'course-v1:edX+DemoX+Demo_Course': {
          action: 'enroll',
          auto_enroll: true,
          results: [
            {
              identifier: 'alice',
              before: { user: true, enrollment: false, allowed: false, auto_enroll: false },
              after: { user: true, enrollment: true, allowed: false, auto_enroll: false },
            },
            {
              identifier: 'new.learner@example.com',
              before: { user: false, enrollment: false, allowed: false, auto_enroll: false },
              after: { user: false, enrollment: false, allowed: true, auto_enroll: true },
            },
          ],
        },
      },
      dry_run: true,
    },
  });
