import { z } from '@hono/zod-openapi';

// Wire shapes of enrollment-api.md §3, written once: handlers build these objects and the
// OpenAPI document describes them from the same schemas.

const DateTime = z.string().nullable().openapi({ example: '2015-02-03T00:00:00Z', format: 'date-time' });

export const ModeSchema = z
  .object({
    slug: z.string().openapi({ example: 'verified' }),
    name: z.string().openapi({ example: 'Verified Certificate' }),
    min_price: z.number().int().openapi({ example: 49 }),
    suggested_prices: z.string().openapi({ description: 'Comma-separated integers (kept a string, D1).', example: '' }),
    currency: z.string().openapi({ example: 'usd' }),
    expiration_datetime: DateTime.openapi({ description: 'Upgrade deadline; after it the mode is expired.' }),
    description: z.string().nullable(),
    sku: z.string().nullable(),
    bulk_sku: z.string().nullable(),
  })
  .openapi('CourseMode');

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
  .openapi('CourseEnrollmentDetails');

export const EnrollmentSchema = z
  .object({
    created: DateTime.openapi({ example: '2014-10-20T20:18:00.123000Z' }),
    mode: z.string().openapi({ example: 'audit' }),
    is_active: z.boolean(),
    course_details: CourseDetailsSchema,
    user: z.string().openapi({ example: 'bob' }),
  })
  .openapi('Enrollment');

export const AdminEnrollmentSchema = z
  .object({
    created: DateTime,
    mode: z.string(),
    is_active: z.boolean(),
    user: z.string(),
    course_id: z.string(),
  })
  .openapi('AdminEnrollment');

export const AdminEnrollmentPageSchema = z
  .object({
    next: z.string().nullable(),
    previous: z.string().nullable(),
    results: z.array(AdminEnrollmentSchema),
  })
  .openapi('AdminEnrollmentPage');

export const AllowanceSchema = z
  .object({
    email: z.string().openapi({ example: 'new@example.com' }),
    course_id: z.string(),
    auto_enroll: z.boolean(),
    created: DateTime,
    user: z.number().int().nullable().openapi({ description: 'Id of the account that consumed it.' }),
  })
  .openapi('EnrollmentAllowance');

export const RolesSchema = z
  .object({
    roles: z.array(z.object({ org: z.string(), course_id: z.string(), role: z.enum(['staff', 'instructor']) })),
    is_staff: z.boolean(),
  })
  .openapi('CourseRoles');

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
  .openapi('EnrollRequest');

export const EnrollmentAttributeSchema = EnrollBodySchema.shape.enrollment_attributes.unwrap().unwrap().element;

export const AllowanceBodySchema = z
  .object({
    email: z.string(),
    course_id: z.string(),
    auto_enroll: z.boolean().optional(),
  })
  .openapi('EnrollmentAllowanceRequest');

export const UnenrollBodySchema = z.object({ username: z.string() }).openapi('UnenrollRequest');

export const MessageSchema = z.object({ message: z.string() }).openapi('MessageError');
export const DetailSchema = z.object({ detail: z.string() }).openapi('DetailError');
export const DeveloperMessageSchema = z
  .object({
    developer_message: z.string().optional(),
    field_errors: z.record(z.string(), z.object({ developer_message: z.string() })).optional(),
  })
  .openapi('DeveloperError');
