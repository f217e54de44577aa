import { z } from '@hono/zod-openapi';
import { atMostCharacters } from '../lib/fields';

/** Wire shapes of the cohorts API (docs/api/cohorts.md, upstream CohortHandler). */

export const CohortParams = z.object({
  course_id: z.string().openapi({ example: 'course-v1:edX+DemoX+Demo_Course' }),
});

export const CohortBody = z
  .object({
    name: atMostCharacters(z.string().regex(/\S/, 'May not be blank.'), 255, 'At most 255 characters.'),
    assignment_type: z.enum(['manual', 'random']),
  })
  .openapi('CohortInput', { example: { name: 'Group A', assignment_type: 'manual' } });

/** `{cohort_id}`: digits name a cohort; anything else names none (404, docs/api/cohorts.md#c3). */
export const CohortIdParams = CohortParams.extend({
  cohort_id: z.string().openapi({ type: 'integer', example: 1, description: "The cohort's `id`" }),
});

/** PATCH: either field, or both; `null` counts as absent (upstream). */
export const CohortPatchBody = z
  .object({
    name: CohortBody.shape.name.nullish(),
    assignment_type: CohortBody.shape.assignment_type.nullish(),
  })
  .openapi('CohortPatch', { example: { name: 'Group B' } });

// The demo course (scripts/seed-local.sql) with one cohort created through POST.
const GROUP_A = {
  id: 1,
  name: 'Group A',
  user_count: 0,
  assignment_type: 'manual',
  user_partition_id: null,
  group_id: null,
};

export const Cohort = z
  .object({
    id: z.number().int(),
    name: z.string(),
    user_count: z.number().int().openapi({ description: 'Members with an active enrollment in the course' }),
    assignment_type: z.enum(['manual', 'random']),
    user_partition_id: z.null().openapi({ description: 'Always null: no content groups in this service' }),
    group_id: z.null().openapi({ description: 'Always null: no content groups in this service' }),
  })
  .openapi('Cohort', { example: GROUP_A });

export const CohortList = z
  .object({ cohorts: z.array(Cohort) })
  .openapi('CohortList', { example: { cohorts: [GROUP_A] } });

/** Upstream DeveloperErrorViewMixin: `developer_message`, plus `error_code` where upstream sets one. */
export const CohortError = z
  .object({
    developer_message: z.string(),
    error_code: z.string().optional(),
    field_errors: z.record(z.string(), z.object({ developer_message: z.string() })).optional(),
  })
  .openapi('DeveloperErrorViewMixinError', {
    example: { developer_message: '"name" must be specified to create cohort.', error_code: 'missing-cohort-name' },
  });
