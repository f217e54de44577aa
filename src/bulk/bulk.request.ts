import { parse as parseCsv } from 'csv-parse/browser/esm/sync';
import type { Context } from 'hono';
import { parseCourseKey } from '../lib/course-key';
import { ApiError } from '../lib/errors';
import { readObjectBody } from '../middleware/body';
import { parseDrfBoolean, splitCommaList, splitIdentifiers } from './identifiers';

/**
 * Most identifier × course pairs one request may carry (edX has no bound). Chosen from a
 * measurement (README, "Bulk enrollment"): 1000 identifiers × 1 course take a handful of D1 round
 * trips and well under a second locally; 10,000 pairs keep a request far from Workers' CPU and D1
 * statement-size limits while covering a large MOOC cohort in one call.
 */
export const MAX_BULK_PAIRS = 10_000;

/**
 * Most courses per request. All of a request's changes commit in one D1 batch (a few statements per
 * course), and D1 counts each statement against a Worker invocation's query budget (1000).
 */
export const MAX_BULK_COURSES = 50;

/** Longest `reason` (it is copied into every audit record of the request). */
export const MAX_REASON_LENGTH = 1000;

export interface BulkRequest {
  identifiers: string[];
  courses: string[];
  action: 'enroll' | 'unenroll';
  cohorts: string[] | null;
  autoEnroll: boolean;
  emailStudents: boolean;
  reason: string | null;
  dryRun: boolean;
}

const CSV_IDENTIFIER_COLUMNS = ['identifier', 'email', 'username'];

/**
 * The request fields, whatever the media type: JSON, form bodies, or `text/csv` with a header row
 * holding an `identifier` (or `email`/`username`) column and the other fields in the query string.
 */
export async function readBulkFields(c: Context): Promise<Record<string, unknown>> {
  const type = (c.req.header('Content-Type') ?? '').toLowerCase();
  if (!type.startsWith('text/csv')) return readObjectBody(c);
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(await c.req.text(), {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      bom: true,
      trim: true,
    });
  } catch (error) {
    throw new ApiError(400, { identifiers: [`Malformed CSV: ${(error as Error).message}`] });
  }
  const column = CSV_IDENTIFIER_COLUMNS.find((name) => rows.length === 0 || name in (rows[0] ?? {}));
  if (!column) {
    throw new ApiError(400, {
      identifiers: ['The CSV needs a header row with an identifier, email or username column.'],
    });
  }
  return { ...c.req.query(), identifiers: rows.map((row) => row[column] ?? '').join('\n') };
}

type Errors = Record<string, string[]>;

function stringField(fields: Record<string, unknown>, name: string, errors: Errors, required: boolean) {
  const value = fields[name];
  if (value === undefined || value === null) {
    if (required) errors[name] = ['This field is required.'];
    return null;
  }
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') {
    errors[name] = ['Not a valid string.'];
    return null;
  }
  return value;
}

/** A comma-separated string, or (this service, §10 defect 2) an array of such strings. */
function listField(fields: Record<string, unknown>, name: string, errors: Errors, required: boolean) {
  const value = fields[name];
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return splitCommaList(value as string[]);
    errors[name] = ['Not a valid string.'];
    return null;
  }
  const text = stringField(fields, name, errors, required);
  if (text === null) return null;
  if (text === '') {
    if (required) errors[name] = ['This field may not be blank.'];
    return null;
  }
  return splitCommaList(text);
}

function booleanField(fields: Record<string, unknown>, name: string, errors: Errors): boolean {
  const value = fields[name];
  if (value === undefined || value === null) return false;
  const parsed = parseDrfBoolean(value);
  if (parsed === null) errors[name] = ['Must be a valid boolean.'];
  return parsed ?? false;
}

/** §3–§4 steps 1–2 (everything that needs no storage), then the size bound. */
export function validateBulkRequest(fields: Record<string, unknown>): BulkRequest {
  const errors: Errors = {};
  if (Array.isArray(fields.identifiers)) errors.identifiers = ['Not a valid string.'];
  const rawIdentifiers = errors.identifiers ? null : stringField(fields, 'identifiers', errors, true);
  if (rawIdentifiers !== null && rawIdentifiers.trim() === '') errors.identifiers = ['This field may not be blank.'];
  const courses = listField(fields, 'courses', errors, true);
  const action = stringField(fields, 'action', errors, true);
  if (action !== null && action !== 'enroll' && action !== 'unenroll') {
    errors.action = [`"${action}" is not a valid choice.`];
  }
  const badCourse = courses?.find((id) => !parseCourseKey(id));
  if (badCourse !== undefined) errors.courses = [`Course key not valid: ${badCourse}`];
  const cohorts = listField(fields, 'cohorts', errors, false);
  const autoEnroll = booleanField(fields, 'auto_enroll', errors);
  const emailStudents = booleanField(fields, 'email_students', errors);
  const dryRun = booleanField(fields, 'dry_run', errors);
  const reason = stringField(fields, 'reason', errors, false);
  if (reason !== null && reason.length > MAX_REASON_LENGTH) {
    errors.reason = [`Ensure this field has no more than ${MAX_REASON_LENGTH} characters.`];
  }
  if (Object.keys(errors).length > 0) throw new ApiError(400, errors);

  const request: BulkRequest = {
    identifiers: splitIdentifiers(rawIdentifiers as string),
    courses: courses as string[],
    action: action as 'enroll' | 'unenroll',
    cohorts,
    autoEnroll,
    emailStudents,
    reason,
    dryRun,
  };
  if (cohorts && request.action !== 'enroll') {
    throw new ApiError(400, { non_field_errors: ['Cohorts can only be used for enrollments.'] });
  }
  if (cohorts && cohorts.length !== request.courses.length) {
    throw new ApiError(400, {
      non_field_errors: ['If provided, the cohorts and courses should have equal number of items.'],
    });
  }
  const pairs = request.identifiers.length * request.courses.length;
  if (request.courses.length > MAX_BULK_COURSES) {
    throw new ApiError(413, {
      error_code: 'too_many_courses',
      developer_message: `${request.courses.length} courses in one request; at most ${MAX_BULK_COURSES}. Split the request.`,
    });
  }
  if (pairs > MAX_BULK_PAIRS) {
    throw new ApiError(413, {
      error_code: 'too_many_identifiers',
      developer_message: `${request.identifiers.length} identifiers × ${request.courses.length} courses = ${pairs} pairs; at most ${MAX_BULK_PAIRS} per request. Split the list.`,
    });
  }
  return request;
}
