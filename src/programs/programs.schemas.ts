import { z } from '@hono/zod-openapi';
import { canonicalUuid } from '../lib/uuid';
import { COURSE_STATUSES, PROGRAM_STATUSES } from './statuses';

// Wire shapes of /api/program_enrollments/v1 (docs/api/programs.md), written once: the write
// records validate requests (records.ts walks the bodies with them) and every shape documents the
// OpenAPI operation.

const EXAMPLE_UUID = 'aaaaaaaa-1111-2222-3333-444444444444';

/** Program UUIDs in URLs: `[A-Fa-f0-9-]+`; any other segment is a 404 (docs/api/programs.md#errors). */
export const PROGRAM_UUID_PATTERN = '[A-Fa-f0-9-]+';
export const ProgramParams = z.object({
  program_uuid: z
    .string()
    .regex(new RegExp(`^${PROGRAM_UUID_PATTERN}$`))
    .openapi({ example: '00000000-1111-2222-3333-444444444444' }),
});
export const ProgramCourseParams = ProgramParams.extend({
  course_id: z.string().openapi({ example: 'course-v1:edX+ToyX+Toy_Course' }),
});
export const UserProgramParams = ProgramParams.extend({ username: z.string().openapi({ example: 'alice' }) });

export const PageQuery = z.object({
  cursor: z.string().optional().openapi({ description: 'Opaque; from `next` / `previous`.' }),
  page_size: z.string().optional().openapi({
    type: 'integer',
    description: 'Rows per page: default 100; values below 1 count as 1, above 1000 as 1000; non-integers → 100.',
  }),
});

export const StudentKey = z
  .string()
  .max(255, 'At most 255 characters.')
  .regex(/\S/, 'May not be blank.')
  .openapi({ example: 'user-0', description: "The partner's opaque learner key (unique per program)." });

const invalidChoice = 'Any other value makes this record `invalid-status` (the others are still written).';

const CurriculumUuid = z
  .string()
  .transform((value, ctx) => {
    const uuid = canonicalUuid(value);
    if (uuid === null) {
      ctx.addIssue({ code: 'custom', message: 'Must be a valid UUID.' });
      return z.NEVER;
    }
    return uuid;
  })
  .openapi({ type: 'string', format: 'uuid', example: EXAMPLE_UUID });

const ProgramStatus = z.enum(PROGRAM_STATUSES).openapi({ description: invalidChoice });

export const ProgramEnrollmentWrite = z
  .object({
    student_key: StudentKey,
    status: ProgramStatus,
    curriculum_uuid: CurriculumUuid.openapi({
      description:
        'Used when the enrollment is created, never changed. Any case, hyphens optional, `{…}` and `urn:uuid:` forms too (as Python reads a UUID).',
    }),
  })
  .openapi('ProgramEnrollmentWrite');
/** PATCH ignores `curriculum_uuid` (an enrollment never changes curriculum). */
export const ProgramEnrollmentPatch = z
  .object({ student_key: StudentKey, status: ProgramStatus })
  .openapi('ProgramEnrollmentStatusWrite');

export const CourseEnrollmentWrite = z
  .object({
    student_key: StudentKey,
    status: z.enum(COURSE_STATUSES).openapi({ description: invalidChoice }),
    course_staff: z.boolean().optional().openapi({
      description:
        '`true` grants the course staff role (pending until the learner is linked), `false` revokes it; absent leaves it.',
    }),
  })
  .openapi('ProgramCourseEnrollmentWrite');

export const WriteResults = z.record(z.string(), z.string()).openapi('ProgramWriteResults', {
  description:
    'Every `student_key` of the request → its new status, or `duplicated`, `conflict`, `invalid-status`, `not-in-program`, `not-found`.',
  example: { abc1: 'enrolled', abc2: 'duplicated', abc3: 'conflict', abc4: 'invalid-status' },
});

/** Bad bodies and the record limit are answered with a bare JSON string (upstream). */
export const BareMessage = z.string().openapi({ example: 'invalid enrollment record' });

/** 404s and unreadable bodies (upstream's DeveloperErrorViewMixin, docs/api/programs.md#errors). 401/403 use the shared catalogue. */
export const DeveloperMessage = z
  .object({
    developer_message: z.string(),
    error_code: z.string().optional(),
  })
  .openapi('ProgramDeveloperError', {
    example: { developer_message: 'no program exists with given key', error_code: 'program_does_not_exist' },
  });

const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      next: z.string().nullable().openapi({ description: 'Absolute URL of the next page, or null.' }),
      previous: z.string().nullable(),
      results: z.array(item),
    })
    .openapi(name);

export const ProgramEnrollmentRecord = z
  .object({
    student_key: z.string().nullable(),
    status: z.enum(PROGRAM_STATUSES),
    account_exists: z.boolean(),
    curriculum_uuid: z.string().openapi({ example: EXAMPLE_UUID }),
    username: z.string().openapi({ description: '`""` while waiting.' }),
    email: z.string().openapi({ description: '`""` while waiting.' }),
  })
  .openapi('ProgramEnrollment');
export const ProgramEnrollmentPage = pageOf(ProgramEnrollmentRecord, 'ProgramEnrollmentPage');

export const CourseEnrollmentRecord = z
  .object({
    student_key: z.string().nullable(),
    status: z.enum(COURSE_STATUSES),
    account_exists: z.boolean(),
    curriculum_uuid: z.string().openapi({ example: EXAMPLE_UUID }),
    course_staff: z.boolean(),
  })
  .openapi('ProgramCourseEnrollment');
export const CourseEnrollmentPage = pageOf(CourseEnrollmentRecord, 'ProgramCourseEnrollmentPage');

export const GradeRecord = z
  .union([
    z.object({
      student_key: z.string(),
      passed: z.boolean(),
      percent: z.number(),
      letter_grade: z.string().nullable(),
    }),
    z.object({ student_key: z.string(), error: z.string() }),
  ])
  .openapi('ProgramCourseGrade');
export const GradePage = pageOf(GradeRecord, 'ProgramCourseGradePage');

export const ProgramAccessList = z
  .array(z.object({ uuid: z.string(), slug: z.string() }))
  .openapi('ProgramAccessList', {
    example: [{ uuid: '00000000-1111-2222-3333-444444444444', slug: 'master-of-toys' }],
  });

const DateTime = z.string().nullable().openapi({ format: 'date-time', example: '2018-12-31T00:00:00Z' });

export const CourseRunOverview = z
  .object({
    course_run_id: z.string(),
    display_name: z.string(),
    course_run_url: z.string(),
    start_date: DateTime,
    end_date: DateTime,
    course_run_status: z.enum(['in_progress', 'upcoming', 'completed']),
    due_dates: z.array(z.object({ name: z.string(), url: z.string(), date: z.string() })),
    emails_enabled: z.boolean().optional().openapi({ description: 'Only when bulk course e-mail is on for the run.' }),
    certificate_download_url: z.string().optional(),
    micromasters_title: z.string().optional().openapi({ description: 'Only for `MicroMasters` programs.' }),
    resume_course_run_url: z.string().optional(),
  })
  .openapi('ProgramCourseRunOverview');
export const Overview = z.object({ course_runs: z.array(CourseRunOverview) }).openapi('ProgramOverview');
export const DashboardPage = pageOf(CourseRunOverview, 'ProgramCourseRunPage');

export const DashboardQuery = z.object({
  cursor: z.string().optional(),
  page_size: z
    .string()
    .optional()
    .openapi({ type: 'integer', description: 'Default 10, at most 25; anything invalid → 10.' }),
});

export const MISSING_ORGANIZATION = "missing required body content 'organization'";

/** Python's falsy JSON values: upstream's `if not request.data.get('organization')`. */
const isFalsy = (value: unknown) =>
  value === undefined ||
  value === null ||
  value === false ||
  value === 0 ||
  value === '' ||
  (typeof value === 'object' && Object.keys(value).length === 0);

/** docs/api/programs.md#reset: upstream looks up any truthy value; a non-string one is looked up as its JSON text. */
export const ResetBody = z
  .object({
    organization: z
      .preprocess(
        (value) => (isFalsy(value) ? undefined : typeof value === 'string' ? value : JSON.stringify(value)),
        z.string({ error: MISSING_ORGANIZATION }).min(1, MISSING_ORGANIZATION),
      )
      .openapi({
        description: `The organization's short name. Missing, \`null\`, \`""\`, \`0\`, \`false\`, \`[]\` or \`{}\` → 400 \`"${MISSING_ORGANIZATION}"\`; another non-string value is looked up as its JSON text.`,
        example: 'testorg',
      }),
  })
  .openapi('IntegrationResetRequest');
