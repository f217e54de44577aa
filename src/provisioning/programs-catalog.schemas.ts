import { z } from '@hono/zod-openapi';
import { canonicalUuid } from '../lib/uuid';
import { courseId, username } from './provisioning.schemas';

/**
 * Wire shapes of the program-domain provisioning routes (docs/api/provisioning.md#programs):
 * organizations, SSO links (external ids) and catalog programs. Validated and documented.
 */

const text = (max: number) => z.string().max(max, `At most ${max} characters.`);
const nonBlank = (max: number) => text(max).regex(/\S/, 'May not be blank.');

// Organization short names follow the org part of course keys (they are compared with it).
export const shortName = z
  .string()
  .regex(/^[\p{L}\p{N}\p{M}_\-~.:]{1,255}$/u, 'Letters, digits and _ - ~ . : only (at most 255).')
  .openapi({ example: 'testorg' });
// Upstream SlugField: letters, digits, "_" and "-".
export const providerSlug = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,100}$/, 'A slug: letters, digits, "_" and "-" (at most 100).')
  .openapi({ example: 'testorg-sso' });

export const uuid = z
  .string()
  .transform((value, ctx) => {
    const canonical = canonicalUuid(value);
    if (canonical === null) {
      ctx.addIssue({ code: 'custom', message: 'Not a UUID.' });
      return z.NEVER;
    }
    return canonical;
  })
  .openapi({ type: 'string', format: 'uuid', example: '00000000-1111-2222-3333-444444444444' });

export const OrganizationParams = z.object({ short_name: shortName });
export const ExternalIdParams = z.object({ username, provider_slug: providerSlug });
export const ProgramParams = z.object({ program_uuid: uuid });

export const OrganizationBody = z
  .object({
    name: nonBlank(255),
    sso_provider_slug: providerSlug.nullable().default(null),
  })
  .openapi('OrganizationInput');

export const ExternalIdBody = z
  .object({ external_user_key: nonBlank(255).openapi({ example: 'abc-123' }) })
  .openapi('ExternalIdInput');

// Catalog programs. Child programs of a curriculum are embedded objects, as course discovery sends
// them; the schema is built to a fixed depth so it stays finite (and documentable). Its recursive
// output type is spelled out (zod cannot infer it), so the service gets the shape it validated.
const MAX_CHILD_DEPTH = 3;
const RunRef = z.object({ key: courseId });
const CourseRef = z.object({
  key: nonBlank(255).openapi({ example: 'edX+ToyX' }),
  course_runs: z.array(RunRef).max(200).default([]),
});
const courses = z.array(CourseRef).max(500).default([]);
type CourseRefOutput = z.output<typeof CourseRef>;

export interface CurriculumOutput {
  uuid: string;
  is_active: boolean;
  courses: CourseRefOutput[];
  programs: ChildProgramOutput[];
}
export interface ChildProgramOutput {
  uuid: string;
  courses: CourseRefOutput[];
  curricula: CurriculumOutput[];
}

const children = (depth: number): z.ZodType<ChildProgramOutput[]> =>
  depth > 0
    ? z.array(childProgram(depth - 1)).max(20)
    : z
        .array(z.unknown())
        .max(0, 'Nested too deep.')
        .transform((): ChildProgramOutput[] => []);

function curriculum(depth: number): z.ZodType<CurriculumOutput> {
  return z.object({
    uuid,
    is_active: z.boolean(),
    courses,
    programs: children(depth)
      .default([])
      .openapi({ description: 'Child programs, embedded (read for "all runs" of the parent).' }),
  });
}
function childProgram(depth: number): z.ZodType<ChildProgramOutput> {
  return z.object({ uuid, courses, curricula: z.array(curriculum(depth)).max(50).default([]) });
}

export const ProgramBody = z
  .object({
    title: nonBlank(255),
    type: nonBlank(64).openapi({
      example: 'Masters',
      description: '`MicroMasters` adds `micromasters_title` to overviews.',
    }),
    marketing_slug: text(255),
    authoring_organizations: z
      .array(z.object({ key: shortName, name: text(255).optional(), uuid: z.string().optional() }))
      .max(20)
      .default([])
      .openapi({ description: 'The first one owns the program (its SSO provider links the learners).' }),
    courses: courses.openapi({ description: 'Top-level courses (part of "all runs", not of the curriculum).' }),
    curricula: z.array(curriculum(MAX_CHILD_DEPTH)).max(50),
  })
  .openapi('CatalogProgramInput');

export const OrganizationResource = z
  .object({ short_name: z.string(), name: z.string(), sso_provider_slug: z.string().nullable() })
  .openapi('Organization');

export const ExternalIdResource = z
  .object({ username: z.string(), provider_slug: z.string(), external_user_key: z.string() })
  .openapi('ExternalId');

export const ProgramResource = z
  .object({
    uuid: z.string(),
    title: z.string(),
    type: z.string(),
    marketing_slug: z.string(),
    authoring_organizations: z.array(z.unknown()),
    courses: z.array(z.unknown()),
    curricula: z.array(z.unknown()),
    active_curriculum_uuid: z.string().nullable(),
  })
  .openapi('CatalogProgram');
