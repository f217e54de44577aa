import { z } from '@hono/zod-openapi';
import { COURSE_KEY_PATTERN, parseCourseKey } from '../lib/course-key';
import { echo } from '../lib/echo';
import { atMostCharacters } from '../lib/fields';
import { REQUIRED_MESSAGE } from '../lib/zod-issues';
import { DRF_FALSE, DRF_TRUE, parseDrfBoolean, splitCommaList, splitIdentifiers } from './identifiers';

// The bulk enrollment wire shapes. The request schema is the field-level validation (docs/api/bulk-enroll.md,
// "Validation" step 1): every field checked, every bad field reported at once in DRF's words. The
// cross-field rules and the size bounds follow in bulk.request.ts once these pass.

/** Longest `reason` (it is copied into every audit record of the request). */
export const MAX_REASON_LENGTH = 1000;

const NOT_A_STRING = 'Not a valid string.';
/** The message of a value that is absent, or of the wrong type. */
const requiredOr = (message: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? REQUIRED_MESSAGE : message;
const BLANK = 'This field may not be blank.';

/** DRF's CharField input: null counts as absent, numbers as their text. */
const asText = (value: unknown) => (value === null ? undefined : typeof value === 'number' ? String(value) : value);

/** A comma-separated list of course keys (pieces not trimmed). */
const COURSE_LIST = `^(?:${COURSE_KEY_PATTERN})(?:,(?:${COURSE_KEY_PATTERN}))*$`;

const CommaList = (itemPattern?: string) =>
  z.union([z.string().openapi({ pattern: itemPattern }), z.array(z.string().openapi({ pattern: itemPattern }))], {
    error: requiredOr(NOT_A_STRING),
  });

/** DRF BooleanField: JSON booleans, 0/1 and its fixed spellings; absent or null is false. */
const Flag = z
  .preprocess(
    (value) => (value === null ? undefined : value),
    z
      .union([z.boolean(), z.enum([...DRF_TRUE, ...DRF_FALSE] as [string, ...string[]]), z.literal(0), z.literal(1)], {
        error: 'Must be a valid boolean.',
      })
      .optional(),
  )
  .transform((value) => (value === undefined ? false : (parseDrfBoolean(value) as boolean)));

/** The seeded demo course; a dry run, so trying it changes nothing (the jobs' example too). */
export const BULK_REQUEST_EXAMPLE = {
  identifiers: 'alice, new.learner@example.com',
  courses: 'course-v1:edX+DemoX+Demo_Course',
  action: 'enroll',
  auto_enroll: true,
  email_students: false,
  dry_run: true,
};

export const BulkEnrollRequestSchema = z
  .object({
    identifiers: z
      .preprocess(asText, z.string({ error: requiredOr(NOT_A_STRING) }).regex(/\S/, BLANK))
      .transform(splitIdentifiers)
      .openapi({
        type: ['string', 'number'],
        pattern: '\\S',
        description: 'Usernames and/or e-mails separated by commas, spaces or new lines (not an array).',
        example: 'alice, new.learner@example.com',
      }),
    courses: z
      .preprocess(
        asText,
        CommaList(COURSE_LIST).refine((value) => value !== '', BLANK),
      )
      .transform(splitCommaList)
      .check((ctx) => {
        const bad = ctx.value.find((id) => !parseCourseKey(id));
        if (bad !== undefined)
          ctx.issues.push({ code: 'custom', message: `Course key not valid: ${echo(bad)}`, input: ctx.value });
      })
      .openapi({
        description: 'Course run keys, comma-separated (pieces are not trimmed) or an array of such strings.',
      }),
    action: z.preprocess(
      asText,
      z.enum(['enroll', 'unenroll'], {
        error: (issue) =>
          typeof issue.input === 'string'
            ? `"${echo(issue.input)}" is not a valid choice.`
            : requiredOr(NOT_A_STRING)(issue),
      }),
    ),
    cohorts: z
      .preprocess(asText, CommaList().optional())
      .transform((value) => (value === undefined || value === '' ? null : splitCommaList(value)))
      .openapi({ description: 'One cohort name per course, same order (enroll only); empty means none.' }),
    auto_enroll: Flag,
    email_students: Flag,
    reason: z
      .preprocess(
        asText,
        atMostCharacters(
          z.string({ error: NOT_A_STRING }),
          MAX_REASON_LENGTH,
          `Ensure this field has no more than ${MAX_REASON_LENGTH} characters.`,
        ).optional(),
      )
      .transform((value) => value ?? null)
      .openapi({
        type: ['string', 'number', 'null'],
        maxLength: MAX_REASON_LENGTH,
        description: 'Copied into every audit record of the request.',
      }),
    dry_run: Flag.openapi({ description: 'Compute every result without changing anything or queuing e-mail.' }),
  })
  .openapi('BulkEnrollRequest', { example: BULK_REQUEST_EXAMPLE });

export type BulkEnrollFields = z.output<typeof BulkEnrollRequestSchema>;

/** A learner's state before or after a bulk change (also the jobs' per-pair results). */
export const BulkState = z.object({
  user: z.boolean(),
  enrollment: z.boolean(),
  allowed: z.boolean(),
  auto_enroll: z.boolean(),
  cohort: z.string().nullable().optional(),
});

const Result = z.union([
  z.object({ identifier: z.string(), before: BulkState, after: BulkState }),
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
