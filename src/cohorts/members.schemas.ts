import { z } from '@hono/zod-openapi';
import { CohortIdParams } from './cohorts.schemas';
import { MAX_MEMBER_IDENTIFIERS } from './members.plan';

/** Wire shapes of the cohort members API (docs/api/cohorts.md#members, upstream CohortUsers). */

export const MemberParams = CohortIdParams.extend({
  username: z.string().openapi({ example: 'alice', description: 'A username (adding: a username or an e-mail)' }),
});

export const MemberPageQuery = z.object({
  page: z.string().optional().openapi({ description: 'A page number from 1, or `last`. Default 1.' }),
  page_size: z
    .string()
    .optional()
    .openapi({ type: 'integer', description: '1–100, default 10; above 100 counts as 100, anything else as 10.' }),
});

const CohortMember = z
  .object({
    username: z.string(),
    email: z.string(),
    name: z.string().openapi({ description: "The account's full name ('' when unknown)" }),
  })
  .openapi('CohortMember');

export const MemberPage = z
  .object({
    next: z.string().nullable(),
    previous: z.string().nullable(),
    count: z.number().int().openapi({ description: 'Members of the cohort (enrolled or not)' }),
    num_pages: z.number().int(),
    current_page: z.number().int(),
    start: z.number().int().openapi({ description: 'Index of the first result in the whole list' }),
    results: z.array(CohortMember),
  })
  .openapi('CohortMemberPage', {
    example: {
      next: 'https://edge.example/api/cohorts/v1/courses/course-v1:edX+DemoX+Demo_Course/cohorts/1/users?page=2',
      previous: null,
      count: 11,
      num_pages: 2,
      current_page: 1,
      start: 0,
      results: [{ username: 'alice', email: 'alice@example.com', name: 'Alice Liddell' }],
    },
  });

export const AddMembersBody = z
  .object({
    users: z
      .union([z.string(), z.array(z.string())], {
        error: 'Expected a list of usernames or e-mails, or one string of them separated by commas or whitespace.',
      })
      .optional()
      .openapi({ description: `Usernames and e-mails; at most ${MAX_MEMBER_IDENTIFIERS} in all` }),
  })
  .openapi('CohortAddUsers', { example: { users: ['alice', 'bob@example.com'] } });

const Identifiers = z.array(z.string());

export const AddMembersResult = z
  .object({
    success: z.literal(true),
    added: z.array(z.object({ username: z.string(), email: z.string() })),
    changed: z.array(z.object({ email: z.string(), previous_cohort: z.string(), username: z.string() })),
    present: Identifiers.openapi({ description: 'Already in this cohort' }),
    unknown: Identifiers.openapi({ description: 'No account, and not an e-mail' }),
    preassigned: Identifiers.openapi({ description: 'E-mails without an account: they join when they enroll' }),
    invalid: Identifiers.openapi({ description: 'Not a valid e-mail although it has an `@`' }),
  })
  .openapi('CohortAddUsersResult', {
    example: {
      success: true,
      added: [{ username: 'alice', email: 'alice@example.com' }],
      changed: [{ email: 'bob@example.com', previous_cohort: 'Group B', username: 'bob' }],
      present: ['carol'],
      unknown: ['dave'],
      preassigned: ['new@example.com'],
      invalid: ['foo@bar'],
    },
  });
