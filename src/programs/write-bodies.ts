import { z } from '@hono/zod-openapi';
import type { BodySpec } from '../lib/route';
import type { Router } from '../openapi';
import { CourseEnrollmentWrite, ProgramEnrollmentPatch, ProgramEnrollmentWrite } from './programs.schemas';
import { INVALID_RECORD, LIMIT_MESSAGE, walkCourseRecords, walkProgramRecords } from './records';
import { MAX_ENROLLMENT_RECORDS, type WriteMethod } from './statuses';

// The request bodies of the write endpoints (docs/api/programs.md): documented as what succeeds, a
// list of at most 25 records, but read whatever they are. Upstream checks the program (and run)
// before it judges the body, so a schema refusal here would answer in the wrong order: the record
// walk's verdict is the handler's input, and the service answers a bad body's 400/413/422 after its
// 404 checks (records.ts).

const RECORDS = {
  program: { ProgramEnrollmentWrite, ProgramEnrollmentStatusWrite: ProgramEnrollmentPatch },
  course: { ProgramCourseEnrollmentWrite: CourseEnrollmentWrite },
};

/** Registers the record schemas the body lists refer to by `$ref` (a list is no zod array here). */
export function documentRecords(router: Router, kind: keyof typeof RECORDS): void {
  for (const [name, schema] of Object.entries(RECORDS[kind])) router.openAPIRegistry.register(name, schema);
}

function recordList<T>(recordName: string, malformed: 400 | 422, walk: (body: unknown) => T) {
  return z
    .unknown()
    .transform(walk)
    .openapi({
      type: 'array',
      maxItems: MAX_ENROLLMENT_RECORDS,
      items: { $ref: `#/components/schemas/${recordName}` },
      description: `Extra fields are ignored. A later record with the same \`student_key\` makes that key \`duplicated\` (neither is written). Not a list (an empty or form body counts as \`{}\`), or a record that is not an object, has no string \`student_key\` or has another field error: ${malformed} \`"${INVALID_RECORD}"\`, nothing written. More than ${MAX_ENROLLMENT_RECORDS} records: 413 \`"${LIMIT_MESSAGE}"\`.`,
    });
}

/** A form is never a list: DRF parses it into a dictionary, so it is read as `{}` (not even parsed). */
const formAsEmpty = {
  schema: z.object({}).openapi({ description: `Read as \`{}\`: always \`"${INVALID_RECORD}"\`.` }),
  read: async () => ({}),
};

function writeBody<B extends z.ZodType>(schema: B): BodySpec<B> {
  return {
    schema,
    required: true,
    readers: { 'application/x-www-form-urlencoded': formAsEmpty, 'multipart/form-data': formAsEmpty },
  };
}

/** docs/api/programs.md#write: malformed bodies are 422; PATCH ignores `curriculum_uuid`, POST and PUT require it. */
export const programWriteBody = (method: WriteMethod) =>
  writeBody(
    recordList(method === 'PATCH' ? 'ProgramEnrollmentStatusWrite' : 'ProgramEnrollmentWrite', 422, (body) =>
      walkProgramRecords(body, method),
    ),
  );

/** docs/api/programs.md#course-write: malformed bodies are 400. */
export const courseWriteBody = () => writeBody(recordList('ProgramCourseEnrollmentWrite', 400, walkCourseRecords));
