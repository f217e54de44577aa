import { z } from '@hono/zod-openapi';
import { DEMO_COURSE_ID, DEMO_MODES } from '../lib/demo-examples';

// Wire shapes of enrollment-api.md §3, written once: handlers build these objects and the
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

/** Body of POST /enrollment (§8.1). Fields are checked one by one in the order of §8.2. */
export const EnrollBodySchema = z
  .object({
    course_details: z.object({ course_id: z.string() }),
    user: z.string().optional().openapi({ description: 'Target username; default the caller.' }),
    email: z.string().optional().openapi({ description: 'Target by e-mail (API key / global staff only).' }),
    mode: z.string().nullable().optional(),
    is_active: z.boolean().nullable().optional(),
    enrollment_attributes: z
      .array(z.object({ namespace: z.string(), name: z.string(), value: z.string() }))
      .nullable()
      .optional(),
    cohort: z.string().nullable().optional().openapi({ description: 'Course staff, global staff or API key only.' }),
    email_opt_in: z.boolean().optional(),
    force_enrollment: z.boolean().nullable().optional().openapi({ description: 'Global staff only.' }),
    reason: z.string().optional().openapi({ description: 'Stored in the audit record.' }),
  })
  .openapi('EnrollRequest', { example: { course_details: { course_id: DEMO_COURSE_ID }, mode: 'audit' } });

export const EnrollmentAttributeSchema = EnrollBodySchema.shape.enrollment_attributes.unwrap().unwrap().element;

export const AllowanceBodySchema = z
  .object({
    email: z.string(),
    course_id: z.string(),
    auto_enroll: z.boolean().optional(),
  })
  .openapi('EnrollmentAllowanceRequest', {
    example: { email: 'new@example.com', course_id: DEMO_COURSE_ID, auto_enroll: true },
  });

export const UnenrollBodySchema = z.object({ username: z.string() }).openapi('UnenrollRequest', {
  example: { username: 'bob' },
});

export const MessageSchema = z
  .object({ message: z.string() })
  .openapi('MessageError', { example: { message: "No course found for course ID 'course-v1:edX+NoSuchX+2025'" } });
// One schema for 401/403/404/429, so no single example: the values are listed instead.
export const DetailSchema = z
  .object({
    detail: z.string().openapi({
      description:
        'DRF\'s message, e.g. "Authentication credentials were not provided." (401), "You do not have permission to perform this action." (403), "Not found." (404), "Request was throttled. Expected available in 42 seconds." (429).',
    }),
  })
  .openapi('DetailError');
/** Upstream's DeveloperErrorViewMixin body (admin list E8). Not the provisioning `DeveloperError`. */
export const DeveloperMessageSchema = z
  .object({
    developer_message: z.string().optional(),
    field_errors: z.record(z.string(), z.object({ developer_message: z.string() })).optional(),
  })
  .openapi('DeveloperMessageError', {
    example: { developer_message: 'You do not have permission to perform this action.' },
  });
