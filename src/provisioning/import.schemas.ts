import { z } from '@hono/zod-openapi';
import { epochMillisFromDateTime } from '../lib/fields';
import { courseId, UserBody, username } from './provisioning.schemas';

/** Import calls (docs/api/import.md): NDJSON lines validated one by one, answered with counts. */

export const MAX_IMPORT_LINES = 5000;

export const NDJSON = 'application/x-ndjson';

/** A line of `POST /import/users`: the provisioning PUT body plus the username. */
export const UserLine = UserBody.extend({ username });

const MODE_SLUG = /^[A-Za-z0-9_-]{1,100}$/;

/** A line of `POST /import/enrollments` (upstream `student_courseenrollment`). */
export const EnrollmentLine = z.object({
  username,
  course_id: courseId,
  // An import keeps the historical mode, offered by the catalog today or not (docs/api/import.md#modes).
  mode: z.string().regex(MODE_SLUG, 'Letters, digits, "_" and "-" only (at most 100).'),
  is_active: z.boolean(),
  created: epochMillisFromDateTime.nullable().optional(),
});

export type UserLineInput = z.output<typeof UserLine>;
export type EnrollmentLineInput = z.output<typeof EnrollmentLine>;

export const ImportQuery = z.object({
  emit_events: z
    .enum(['true', 'false'], { error: 'Either "true" or "false".' })
    .default('false')
    .transform((v) => v === 'true')
    .openapi({ type: 'string', enum: ['true', 'false'], description: 'Write change events for this import.' }),
});

/** The raw body as documented: one JSON object per line. */
const ndjsonDocument = (example: string) =>
  z.string().openapi({ description: `One JSON object per line, at most ${MAX_IMPORT_LINES} lines.`, example });

export const USERS_NDJSON = ndjsonDocument(
  '{"username":"alice","email":"alice@example.com","name":"Alice Learner"}\n{"username":"bob","email":"bob@example.com","is_active":false}\n',
);
export const ENROLLMENTS_NDJSON = ndjsonDocument(
  '{"username":"alice","course_id":"course-v1:edX+DemoX+Demo_Course","mode":"audit","is_active":true,"created":"2019-09-01T10:00:00Z"}\n',
);

const LineError = z.object({
  line: z.number().int().openapi({ description: 'Counted from 1, blank lines included.' }),
  username: z.string().optional(),
  field_errors: z.record(z.string(), z.object({ developer_message: z.string() })),
});

export const ImportResult = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    errors: z.array(LineError),
  })
  .openapi('ImportResult', {
    example: {
      created: 1,
      updated: 0,
      unchanged: 0,
      errors: [{ line: 2, username: 'bob', field_errors: { email: { developer_message: 'This field is required.' } } }],
    },
  });

export type ImportResultBody = z.output<typeof ImportResult>;
export type LineErrorBody = z.output<typeof LineError>;
