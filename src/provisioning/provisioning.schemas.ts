import { z } from '@hono/zod-openapi';
import { isCourseKey } from '../lib/course-key';
import { parseDateTime } from '../lib/datetime';
import { DEMO_COURSE_ID, DEMO_MODES } from '../lib/demo-examples';
import { isValidEmail } from '../lib/email';
import { isCountryCode } from './countries';

/** Wire shapes of `/api/admin/v1` (service-contract.md §Provisioning API): validated and documented. */

// Same grammar as JWT `preferred_username` (src/auth/jwt.ts) and upstream's username pattern.
const USERNAME = /^[\p{L}\p{N}_.@+-]{1,150}$/u;
const LANGUAGE = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/;

const dateTime = z
  .string()
  .transform((value, ctx) => {
    const ms = parseDateTime(value);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: 'Not an ISO 8601 datetime with a zone (e.g. "2030-01-01T00:00:00Z").' });
      return z.NEVER;
    }
    return ms;
  })
  .nullable()
  .openapi({ type: ['string', 'null'], format: 'date-time', example: '2030-01-01T00:00:00Z' });

const text = (max: number) => z.string().max(max, `At most ${max} characters.`);

export const countryCode = z
  .string()
  .refine(isCountryCode, 'Not an ISO 3166-1 alpha-2 country code (upper-case, e.g. "IR").')
  .openapi({ example: 'IR' });

export const username = z.string().regex(USERNAME, 'Not a valid username.').openapi({ example: 'bob' });
export const courseId = z
  .string()
  .refine(isCourseKey, 'Not a valid course key.')
  .openapi({ example: 'course-v1:edX+DemoX+Demo_Course' });
export const role = z.enum(['staff', 'instructor']);

export const UserParams = z.object({ username });
export const CourseParams = z.object({ course_id: courseId });
export const CourseUserParams = z.object({ course_id: courseId, username });
export const CourseRoleParams = z.object({ course_id: courseId, username, role });

// Examples are the seeded demo data (scripts/seed-local.sql), as the API reads it back.
const DEMO_COURSE = {
  course_name: 'Demonstration Course',
  org: 'edX',
  course_start: '2015-02-03T00:00:00Z',
  course_end: null,
  enrollment_start: '2014-10-15T20:18:00Z',
  enrollment_end: null,
  invite_only: false,
  max_student_enrollments_allowed: null,
  self_paced: false,
  bulk_email_enabled: true,
  modes: DEMO_MODES,
};
const ALICE = {
  email: 'alice@example.com',
  name: 'Alice Learner',
  is_staff: false,
  is_superuser: false,
  is_active: true,
  country: null,
  language: 'en',
};

// --- request bodies (optional fields get their stored default: a PUT replaces the whole resource) ---

export const UserBody = z
  .object({
    email: text(254).refine(isValidEmail, 'Not a valid e-mail address.'),
    is_staff: z.boolean().default(false),
    is_superuser: z.boolean().default(false),
    is_active: z.boolean().default(true),
    name: text(255)
      .nullable()
      .default('')
      .transform((v) => v ?? ''),
    country: countryCode.nullable().default(null),
    language: z.string().regex(LANGUAGE, 'Not a language code (e.g. "en", "pt-br").').nullable().default(null),
  })
  .openapi('ProvisionedUserInput', { example: ALICE });

/** Upstream has a handful of modes per run; the cap keeps a course PUT one bounded D1 batch. */
export const MAX_MODES = 50;

const Mode = z.object({
  slug: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'Letters, digits, "_" and "-" only (at most 100).'),
  name: text(255).min(1, 'May not be blank.'),
  min_price: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  suggested_prices: z
    .string()
    .regex(/^(?:\d+(?:,\d+)*)?$/, 'Comma-separated whole numbers, or "".')
    .default(''),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'An ISO 4217 currency code (e.g. "usd").')
    .default('usd')
    .transform((v) => v.toLowerCase()),
  expiration_datetime: dateTime.default(null),
  description: text(255).nullable().default(null),
  sku: text(255).nullable().default(null),
  bulk_sku: text(255).nullable().default(null),
});

export const CourseBody = z
  .object({
    course_name: text(255).min(1, 'May not be blank.'),
    org: text(255).min(1, 'May not be blank.').optional(),
    // Required but nullable (null: unset, "always open" / "never ends"), as the contract lists them.
    course_start: dateTime,
    course_end: dateTime,
    enrollment_start: dateTime,
    enrollment_end: dateTime,
    invite_only: z.boolean().default(false),
    max_student_enrollments_allowed: z.number().int().min(0).nullable().default(null),
    self_paced: z.boolean().default(false),
    bulk_email_enabled: z.boolean().default(false),
    modes: z
      .array(Mode)
      .max(MAX_MODES, `At most ${MAX_MODES} modes.`)
      .superRefine((modes, ctx) => {
        const seen = new Set<string>();
        modes.forEach((mode, i) => {
          if (seen.has(mode.slug)) {
            ctx.addIssue({ code: 'custom', path: [i, 'slug'], message: `Duplicate mode slug "${mode.slug}".` });
          }
          seen.add(mode.slug);
        });
      }),
  })
  .openapi('ProvisionedCourseInput', { example: DEMO_COURSE });

export const RoleBody = z.object({ role }).openapi('CourseRoleInput', { example: { role: 'staff' } });

export const EmbargoBody = z
  .object({
    // Set semantics: duplicates are dropped, first occurrence order kept.
    blocked_countries: z
      .array(countryCode)
      .max(300)
      .transform((codes) => [...new Set(codes)]),
  })
  .openapi('EmbargoInput', { example: { blocked_countries: ['CU', 'IR'] } });

export const RetirementBody = z.object({}).openapi('RetirementInput');

const optionalFilter = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const AuditQuery = z.object({
  course_id: optionalFilter(courseId),
  email: optionalFilter(text(254)),
  // Not in the contract: bounds the answer (newest first), so a busy course cannot blow up a response.
  limit: optionalFilter(z.coerce.number().int().min(1).max(1000)).openapi({ type: 'integer', default: 100 }),
});

export const OutboxQuery = z.object({
  to: optionalFilter(text(320)),
  course_id: optionalFilter(courseId),
  // Same bound as the audit list.
  limit: optionalFilter(z.coerce.number().int().min(1).max(1000)).openapi({ type: 'integer', default: 100 }),
});

// --- responses ---

const nullableDateTime = z.string().nullable().openapi({ format: 'date-time' });

export const UserResource = z
  .object({
    id: z.number().int(),
    username: z.string(),
    email: z.string(),
    name: z.string(),
    is_staff: z.boolean(),
    is_superuser: z.boolean(),
    is_active: z.boolean(),
    country: z.string().nullable(),
    language: z.string().nullable(),
    email_opt_in: z.record(z.string(), z.boolean()).openapi({ example: { edX: true } }),
  })
  .openapi('ProvisionedUser', { example: { id: 1, username: 'alice', ...ALICE, email_opt_in: {} } });

export const ModeResource = z
  .object({
    slug: z.string(),
    name: z.string(),
    min_price: z.number().int(),
    suggested_prices: z.string(),
    currency: z.string(),
    expiration_datetime: nullableDateTime,
    description: z.string().nullable(),
    sku: z.string().nullable(),
    bulk_sku: z.string().nullable(),
  })
  .openapi('ProvisionedMode', { example: DEMO_MODES[1] });

export const CourseResource = z
  .object({
    course_id: z.string(),
    course_name: z.string(),
    org: z.string(),
    course_start: nullableDateTime,
    course_end: nullableDateTime,
    enrollment_start: nullableDateTime,
    enrollment_end: nullableDateTime,
    invite_only: z.boolean(),
    max_student_enrollments_allowed: z.number().int().nullable(),
    self_paced: z.boolean(),
    bulk_email_enabled: z.boolean(),
    blocked_countries: z.array(z.string()),
    modes: z.array(ModeResource),
  })
  .openapi('ProvisionedCourse', { example: { course_id: DEMO_COURSE_ID, ...DEMO_COURSE, blocked_countries: [] } });

export const RoleResource = z
  .object({ course_id: z.string(), username: z.string(), role })
  .openapi('CourseRole', { example: { course_id: DEMO_COURSE_ID, username: 'carol', role: 'staff' } });

export const EmbargoResource = z
  .object({ course_id: z.string(), blocked_countries: z.array(z.string()) })
  .openapi('Embargo', { example: { course_id: 'course-v1:edX+EmbargoX+2025', blocked_countries: ['CU', 'IR'] } });

export const RetirementResource = z
  .object({ username: z.string(), original_username: z.string(), original_email: z.string(), created: z.string() })
  .openapi('UserRetirement', {
    example: {
      username: 'bob',
      original_username: 'bob',
      original_email: 'bob@example.com',
      created: '2026-01-05T09:00:00Z',
    },
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

export const DeveloperError = z
  .object({
    error_code: z.string(),
    developer_message: z.string(),
    field_errors: z.record(z.string(), z.object({ developer_message: z.string() })).optional(),
  })
  .openapi('DeveloperError', {
    example: {
      error_code: 'invalid_request',
      developer_message: 'Invalid fields: course_id.',
      field_errors: { course_id: { developer_message: 'Not a valid course key.' } },
    },
  });
