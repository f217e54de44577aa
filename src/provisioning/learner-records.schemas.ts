import { z } from '@hono/zod-openapi';
import { epochMillisFromDateTime } from '../lib/fields';

/**
 * Wire shapes of the learner records the program APIs read (docs/api/provisioning.md#learner-records):
 * grades, certificates, progress and due dates. Validated and documented.
 */

const text = (max: number) => z.string().max(max, `At most ${max} characters.`);
const nonBlank = (max: number) => text(max).regex(/\S/, 'May not be blank.');
const url = text(2000).openapi({ example: 'https://lms.example.com/courses/course-v1:edX+ToyX+Toy_Course/jump_to/b1' });

const dateTime = epochMillisFromDateTime;

const GRADE = {
  percent: z.number().min(0).max(1),
  letter_grade: text(64).nullable().optional(),
  passed: z.boolean(),
};
const GRADE_ERROR = {
  error: text(1000).openapi({ description: 'The grade cannot be computed ("" → "Unknown error").' }),
};
type OpenApiSchema = NonNullable<Exclude<Parameters<z.ZodType['openapi']>[0], string>['oneOf']>[number];
/** One variant of the documented `oneOf`: exactly its own fields (zod's JSON Schema is OpenAPI 3.1's). */
function variant(shape: z.ZodRawShape): OpenApiSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(z.strictObject(shape), { io: 'input' });
  return json as OpenApiSchema;
}

/**
 * Either a grade (`percent` a fraction 0–1, as upstream) or why it cannot be computed (`error`):
 * documented as the `oneOf` of the two, validated field by field so each bad field is named.
 */
export const GradeBody = z
  .object({
    percent: GRADE.percent.optional(),
    letter_grade: GRADE.letter_grade,
    passed: GRADE.passed.optional(),
    error: GRADE_ERROR.error.optional(),
  })
  .superRefine((body, ctx) => {
    const gradeFields = (['percent', 'letter_grade', 'passed'] as const).filter((f) => body[f] !== undefined);
    if (body.error !== undefined) {
      for (const field of gradeFields)
        ctx.addIssue({ code: 'custom', path: [field], message: 'Not allowed with "error".' });
      return;
    }
    for (const field of ['percent', 'passed'] as const) {
      if (body[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: 'This field is required.' });
    }
  })
  .openapi('CourseGradeInput', {
    oneOf: [variant(GRADE), variant(GRADE_ERROR)],
    example: { percent: 0.75, letter_grade: 'B', passed: true },
  });

/** Upstream CertificateStatuses. */
export const CERTIFICATE_STATUSES = [
  'downloadable',
  'generating',
  'notpassing',
  'unavailable',
  'error',
  'deleted',
  'deleting',
  'regenerating',
  'restricted',
  'unverified',
  'audit_passing',
  'audit_notpassing',
  'honor_passing',
  'invalidated',
  'requesting',
] as const;

export const CertificateBody = z
  .object({
    status: z.enum(CERTIFICATE_STATUSES),
    download_url: url.nullable().default(null),
    created: dateTime.optional().openapi({ description: 'When the certificate was created; default now.' }),
  })
  .openapi('CertificateInput');

export const ProgressBody = z
  .object({
    resume_block_url: url.nullable().default(null),
    email_opt_out: z.boolean().default(false),
  })
  .openapi('CourseProgressInput');

export const MAX_DUE_DATES = 500;
export const DueDatesBody = z
  .array(z.object({ name: nonBlank(255), url: nonBlank(2000), date: dateTime }))
  .max(MAX_DUE_DATES, `At most ${MAX_DUE_DATES} due dates.`)
  .openapi('DueDatesInput');

const nullableDateTime = z.string().nullable().openapi({ format: 'date-time' });

export const GradeResource = z
  .object({
    course_id: z.string(),
    username: z.string(),
    percent: z.number().nullable(),
    letter_grade: z.string().nullable(),
    passed: z.boolean().nullable(),
    error: z.string().nullable(),
  })
  .openapi('CourseGrade');
export const CertificateResource = z
  .object({
    course_id: z.string(),
    username: z.string(),
    status: z.string(),
    download_url: z.string().nullable(),
    created: nullableDateTime,
  })
  .openapi('Certificate');
export const ProgressResource = z
  .object({
    course_id: z.string(),
    username: z.string(),
    resume_block_url: z.string().nullable(),
    email_opt_out: z.boolean(),
  })
  .openapi('CourseProgress');
export const DueDatesResource = z
  .object({
    course_id: z.string(),
    due_dates: z.array(z.object({ name: z.string(), url: z.string(), date: nullableDateTime })),
  })
  .openapi('CourseDueDates');
