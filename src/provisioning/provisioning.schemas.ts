import { z } from '@hono/zod-openapi';
import { COURSE_KEY_PATTERN } from '../lib/course-key';
import { DEMO_COURSE_ID, DEMO_MODES } from '../lib/demo-examples';
import { isValidEmail } from '../lib/email';
import { ServiceError } from '../lib/error-responses';
import { epochMillisFromDateTime } from '../lib/fields';
import type { BodySpec } from '../lib/route';
import { COUNTRY_CODES } from './countries';

/** Wire shapes of `/api/admin/v1` (docs/api/provisioning.md): validated and documented. */

// Same grammar as JWT `preferred_username` (src/auth/jwt.ts) and upstream's username pattern.
const USERNAME = /^[\p{L}\p{N}_.@+-]{1,150}$/u;
const LANGUAGE = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/;

const dateTime = epochMillisFromDateTime
  .nullable()
  .openapi({ type: ['string', 'null'], format: 'date-time', example: '2030-01-01T00:00:00Z' });

export const text = (max: number) => z.string().max(max, `At most ${max} characters.`);

const NOT_A_COUNTRY = 'Not an ISO 3166-1 alpha-2 country code (upper-case, e.g. "IR").';
/** The assigned codes, listed (a missing value keeps the required/default wording). */
export const countryCode = z
  .enum([...COUNTRY_CODES] as [string, ...string[]], {
    error: (issue) => (issue.input === undefined ? undefined : NOT_A_COUNTRY),
  })
  .openapi({ example: 'IR' });

export const username = z.string().regex(USERNAME, 'Not a valid username.').openapi({ example: 'bob' });
const NOT_A_COURSE_KEY = 'Not a valid course key.';
export const courseId = z
  .string()
  .max(255, NOT_A_COURSE_KEY)
  .regex(new RegExp(`^(?:${COURSE_KEY_PATTERN})$`, 'u'), NOT_A_COURSE_KEY)
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
    email: text(254)
      .refine(isValidEmail, 'Not a valid e-mail address.')
      .openapi({ format: 'email', description: 'As Django’s EmailValidator reads it.' }),
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
    // Required but nullable (null: unset, "always open" / "never ends"), as docs/api/provisioning.md lists them.
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

/** The 400 of a provisioning write: every bad field of the path and the body named at once. */
export const INVALID_REQUEST = {
  description: 'Invalid field(s), each named in `field_errors` (or a body that is not JSON: `invalid_json`).',
  content: {
    'application/json': {
      schema: ServiceError,
      example: {
        error_code: 'invalid_request',
        developer_message: 'Invalid fields: course_id.',
        field_errors: { course_id: { developer_message: 'Not a valid course key.' } },
      },
    },
  },
};

/** Any other refusal (404, 409): this service's error shape. */
export const refusal = (description: string) => ({
  description,
  content: { 'application/json': { schema: ServiceError } },
});

/** A required JSON body: an empty one is refused as not a JSON object (DRF's `{}` would name every field). */
export const jsonBody = <B extends z.ZodType>(schema: B): BodySpec<B> => ({ schema, required: true, empty: undefined });
