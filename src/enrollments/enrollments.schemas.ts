import { z } from '@hono/zod-openapi';
import { DEMO_COURSE_ID, DEMO_MODES } from '../lib/demo-examples';
import { lenient, stringOrAbsent } from '../lib/fields';

// Wire shapes of docs/api/enrollments.md, written once: handlers build these objects and the
// OpenAPI document describes them from the same schemas.

const DateTime = z.string().nullable().openapi({ example: '2015-02-03T00:00:00Z', format: 'date-time' });

const DEMO_COURSE = {
  course_id: DEMO_COURSE_ID,
  course_name: 'Demonstration Course',
  enrollment_start: '2014-10-15T20:18:00Z',
  enrollment_end: null,
  course_start: '2015-02-03T00:00:00Z',
  course_end: null,
  invite_only: false,
  pacing_type: 'Instructor Paced',
  course_modes: DEMO_MODES,
};
const BOB_ENROLLMENT = { created: '2026-01-05T09:00:00Z', mode: 'audit', is_active: true, user: 'bob' };

export const ModeSchema = z
  .object({
    slug: z.string().openapi({ example: 'verified' }),
    name: z.string().openapi({ example: 'Verified Certificate' }),
    min_price: z.number().int().openapi({ example: 49 }),
    suggested_prices: z.string().openapi({ description: 'Comma-separated integers (kept a string, D1).', example: '' }),
    currency: z.string().openapi({ example: 'usd' }),
    expiration_datetime: DateTime.openapi({ description: 'Upgrade deadline; after it the mode is expired.' }),
    description: z.string().nullable(),
    sku: z.string().nullable().openapi({ example: 'DEMO-VERIFIED' }),
    bulk_sku: z.string().nullable().openapi({ example: 'DEMO-VERIFIED-BULK' }),
  })
  .openapi('CourseMode', { example: DEMO_MODES[1] });

export const CourseDetailsSchema = z
  .object({
    course_id: z.string().openapi({ example: 'course-v1:edX+DemoX+Demo_Course' }),
    course_name: z.string().openapi({ example: 'Demonstration Course' }),
    enrollment_start: DateTime,
    enrollment_end: DateTime,
    course_start: DateTime,
    course_end: DateTime,
    invite_only: z.boolean(),
    pacing_type: z.enum(['Instructor Paced', 'Self Paced']),
    course_modes: z.array(ModeSchema),
  })
  .openapi('CourseEnrollmentDetails', { example: DEMO_COURSE });

export const EnrollmentSchema = z
  .object({
    created: DateTime.openapi({ example: '2014-10-20T20:18:00.123000Z' }),
    mode: z.string().openapi({ example: 'audit' }),
    is_active: z.boolean(),
    course_details: CourseDetailsSchema,
    user: z.string().openapi({ example: 'bob' }),
  })
  .openapi('Enrollment', { example: { ...BOB_ENROLLMENT, course_details: DEMO_COURSE } });

export const AdminEnrollmentSchema = z
  .object({
    created: DateTime,
    mode: z.string(),
    is_active: z.boolean(),
    user: z.string(),
    course_id: z.string(),
  })
  .openapi('AdminEnrollment', { example: { ...BOB_ENROLLMENT, course_id: DEMO_COURSE_ID } });

export const AdminEnrollmentPageSchema = z
  .object({
    next: z.string().nullable(),
    previous: z.string().nullable(),
    results: z.array(AdminEnrollmentSchema),
  })
  .openapi('AdminEnrollmentPage', {
    example: { next: null, previous: null, results: [{ ...BOB_ENROLLMENT, course_id: DEMO_COURSE_ID }] },
  });

export const AllowanceSchema = z
  .object({
    email: z.string().openapi({ example: 'new@example.com' }),
    course_id: z.string(),
    auto_enroll: z.boolean(),
    created: DateTime,
    user: z.number().int().nullable().openapi({ description: 'Id of the account that consumed it.' }),
  })
  .openapi('EnrollmentAllowance', {
    example: {
      email: 'new@example.com',
      course_id: DEMO_COURSE_ID,
      auto_enroll: true,
      created: '2026-01-05T09:00:00Z',
      user: null,
    },
  });

export const RolesSchema = z
  .object({
    roles: z.array(z.object({ org: z.string(), course_id: z.string(), role: z.enum(['staff', 'instructor']) })),
    is_staff: z.boolean(),
  })
  .openapi('CourseRoles', {
    example: { roles: [{ org: 'edX', course_id: DEMO_COURSE_ID, role: 'staff' }], is_staff: false },
  });

const COURSE_ID_REQUIRED = 'Course ID must be specified to create a new enrollment.';

/** Step 1, the one refusal that precedes every read: the schema's own, worded as upstream does (docs/api/enrollments.md#e5-steps). */
const EnrollCourseDetails = z.object(
  {
    course_id: z
      .string({ error: COURSE_ID_REQUIRED })
      .min(1, COURSE_ID_REQUIRED)
      .openapi({ description: 'Course run key (step 2 refuses one that does not parse).', example: DEMO_COURSE_ID }),
  },
  { error: COURSE_ID_REQUIRED },
);

export const EnrollmentAttributeSchema = z.object({ namespace: z.string(), name: z.string(), value: z.string() });

/** How upstream prints a non-string slug: its JSON text (`5` is mode "5"). */
const slugText = (value: unknown) =>
  value === undefined || value === null || typeof value === 'string' ? value : JSON.stringify(value);

/**
 * A non-array is no attribute list. Step 10 (after the reads of steps 6–7) refuses it as
 * `'namespace' not in enrollment attribute`: it is handed on as a list whose one item is no object.
 */
const attributeList = (value: unknown) =>
  value === undefined || value === null || Array.isArray(value) ? value : [null];

/** `email_opt_in`: booleans or the strings true/false in any case; any other value is ignored. */
function optIn(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(?:true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}
const OptInText = z.string().regex(/^(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$/);

/**
 * Body of POST /enrollment (docs/api/enrollments.md). The spec checks fields one by one, in order,
 * between reads of D1 (an unknown target user is a 406 before a bad `is_active` is a 400), so only
 * the first step is refused here; each later field is documented as what succeeds, accepted in any
 * form, and refused by the service at its own step. Unknown fields are ignored.
 */
export const EnrollBodySchema = z
  .object({
    course_details: EnrollCourseDetails,
    user: lenient(z.string(), stringOrAbsent, 'Target username; default the caller. Other types are ignored.'),
    email: lenient(z.string(), stringOrAbsent, 'Target by e-mail (API key / global staff only) when `user` is absent.'),
    mode: lenient(
      z.string().nullable(),
      slugText,
      'Requested mode slug. Other JSON values are read as their JSON text (`5` is the mode "5").',
    ),
    is_active: lenient(
      z.boolean().nullable(),
      (v) => v,
      "Requested activation. Anything else is refused at step 8, after the user and embargo checks: `'<value>' is an invalid enrollment activation status.`",
    ),
    enrollment_attributes: lenient(
      z.array(EnrollmentAttributeSchema).nullable(),
      attributeList,
      "Stored on the enrollment. Anything else (also a single object) is refused at step 10: `'<key>' not in enrollment attribute`.",
    ),
    cohort: lenient(
      z.string().nullable(),
      slugText,
      'Cohort name (course staff, global staff or API key only). Non-strings are read as their JSON text.',
    ),
    email_opt_in: lenient(
      z.union([z.boolean(), OptInText]),
      optIn,
      "The target's e-mail preference for the course's org: a boolean or `true`/`false` in any case; other values are ignored.",
    ),
    force_enrollment: lenient(
      z.boolean().nullable(),
      (v) => v,
      "Global staff only. Anything but a boolean or null is refused at step 9: `'<value>' is an invalid force enrollment status.`",
    ),
    reason: lenient(z.string(), stringOrAbsent, 'Stored in the audit record. Non-strings are ignored.'),
  })
  .openapi('EnrollRequest', { example: { course_details: { course_id: DEMO_COURSE_ID }, mode: 'audit' } });

/** The validated body of POST /enrollment, as the service receives it. */
export type EnrollBody = z.output<typeof EnrollBodySchema>;

/** E9 POST body. Blank, malformed e-mails and course keys that do not parse are the service's 400s. */
export const AllowanceBodySchema = z
  .object({
    email: z.string(),
    course_id: z.string(),
    auto_enroll: z.boolean().optional(),
  })
  .openapi('EnrollmentAllowanceRequest', {
    example: { email: 'new@example.com', course_id: DEMO_COURSE_ID, auto_enroll: true },
  });

/** E9 DELETE body: the allowance's key. */
export const AllowanceKeySchema = AllowanceBodySchema.pick({ email: true, course_id: true }).openapi(
  'EnrollmentAllowanceKey',
  { example: { email: 'new@example.com', course_id: DEMO_COURSE_ID } },
);

/** E7 body. A missing `username` is the endpoint's 404; other JSON values are looked up as their text. */
export const UnenrollBodySchema = z
  .object({
    username: z.preprocess((v) => (v === undefined || typeof v === 'string' ? v : String(v)), z.string()),
  })
  .openapi('UnenrollRequest', { example: { username: 'bob' } });

export const MessageSchema = z
  .object({ message: z.string() })
  .openapi('MessageError', { example: { message: "No course found for course ID 'course-v1:edX+NoSuchX+2025'" } });
