import type { z } from '@hono/zod-openapi';
import { CourseEnrollmentWrite, ProgramEnrollmentPatch, ProgramEnrollmentWrite } from './programs.schemas';
import {
  COURSE_STATUSES,
  type CourseStatus,
  MAX_ENROLLMENT_RECORDS,
  PROGRAM_STATUSES,
  type ProgramStatus,
  RESULT,
  type WriteMethod,
} from './statuses';

// The record walk of the write endpoints (docs/api/programs.md#write steps 1–3, #course-write steps 1–3):
// pure, so the whole body is judged before anything is read or written.

export const INVALID_RECORD = 'invalid enrollment record';
export const LIMIT_MESSAGE = `enrollment limit ${MAX_ENROLLMENT_RECORDS}`;

export type Walk<R> =
  | {
      ok: true;
      /** Valid records whose key is not duplicated, in request order. */
      records: R[];
      /** Results already known (`duplicated`, `invalid-status`), keyed by student key. */
      results: Map<string, string>;
    }
  | { ok: false; status: 400 | 413 | 422; message: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function walk<R, S extends z.ZodType>(
  body: unknown,
  malformed: 400 | 422,
  choices: readonly string[],
  schema: S,
  toRecord: (data: z.output<S>) => R,
): Walk<R> {
  const fail = (status: 400 | 413 | 422, message: string): Walk<R> => ({ ok: false, status, message });
  if (!Array.isArray(body)) return fail(malformed, INVALID_RECORD);
  if (body.length > MAX_ENROLLMENT_RECORDS) return fail(413, LIMIT_MESSAGE);
  const seen = new Set<string>();
  const results = new Map<string, string>();
  const valid = new Map<string, R>();
  for (const item of body) {
    if (!isObject(item) || !('student_key' in item)) return fail(malformed, INVALID_RECORD);
    const key = item.student_key;
    // Decision: keys are strings; upstream would stringify numbers (and fail on others).
    if (typeof key !== 'string') return fail(malformed, INVALID_RECORD);
    if (seen.has(key)) {
      // Replaces whatever the key had; the earlier occurrence is not written.
      results.set(key, RESULT.duplicated);
      valid.delete(key);
      continue;
    }
    seen.add(key);
    const status = item.status;
    const given = status !== undefined && status !== null && status !== '';
    if (given && !(typeof status === 'string' && choices.includes(status))) {
      // An invalid status choice wins over the record's other field errors.
      results.set(key, RESULT.invalidStatus);
      continue;
    }
    const parsed = schema.safeParse(item);
    if (!parsed.success) return fail(malformed, INVALID_RECORD);
    valid.set(key, toRecord(parsed.data));
  }
  return { ok: true, records: [...valid.values()], results };
}

export interface ProgramRecord {
  key: string;
  status: ProgramStatus;
  /** Canonical; null for PATCH (ignored there). */
  curriculumUuid: string | null;
}

/** #write: malformed bodies are 422; `curriculum_uuid` is required by POST and PUT. */
export function walkProgramRecords(body: unknown, method: WriteMethod): Walk<ProgramRecord> {
  if (method === 'PATCH') {
    return walk(body, 422, PROGRAM_STATUSES, ProgramEnrollmentPatch, (d) => ({
      key: d.student_key,
      status: d.status,
      curriculumUuid: null,
    }));
  }
  return walk(body, 422, PROGRAM_STATUSES, ProgramEnrollmentWrite, (d) => ({
    key: d.student_key,
    status: d.status,
    curriculumUuid: d.curriculum_uuid,
  }));
}

export interface CourseRecord {
  key: string;
  status: CourseStatus;
  /** null when absent. */
  courseStaff: boolean | null;
}

/** #course-write: malformed bodies are 400. */
export const walkCourseRecords = (body: unknown): Walk<CourseRecord> =>
  walk(body, 400, COURSE_STATUSES, CourseEnrollmentWrite, (d) => ({
    key: d.student_key,
    status: d.status,
    courseStaff: d.course_staff ?? null,
  }));
