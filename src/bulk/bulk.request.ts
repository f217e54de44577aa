import type { Context } from 'hono';
import { parseCsv } from '../lib/csv';
import { ApiError } from '../lib/errors';
import type { BulkEnrollFields } from './bulk.schemas';

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
 * The fields of a `text/csv` request: a header row holding an `identifier` (or `email`/`username`)
 * column, one learner per row; the other fields come from the query string.
 */
export async function readCsvFields(c: Context): Promise<Record<string, unknown>> {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(await c.req.text(), (header) => header.map((h) => h.trim().toLowerCase()));
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

const nonFieldError = (message: string) => new ApiError(400, { non_field_errors: [message] });

/** How many pairs a request may carry: the sync endpoint's bound, or a job's (`BULK_JOB_MAX_PAIRS`). */
export interface PairBound {
  max: number;
  per: 'request' | 'job';
}

const SYNC_BOUND: PairBound = { max: MAX_BULK_PAIRS, per: 'request' };

/** The 413 of a request over its pair bound (also the documented example). */
export const tooManyPairs = (identifiers: number, courses: number, bound = SYNC_BOUND) => ({
  error_code: 'too_many_identifiers',
  developer_message: `${identifiers} identifiers × ${courses} courses = ${identifiers * courses} pairs; at most ${bound.max} per ${bound.per}. Split the list.`,
});

/** Validation step 2 (cross-field, once every field passed the schema), then the size bounds. */
export function toBulkRequest(fields: BulkEnrollFields, bound = SYNC_BOUND): BulkRequest {
  const { identifiers, courses, action, cohorts } = fields;
  if (cohorts && action !== 'enroll') throw nonFieldError('Cohorts can only be used for enrollments.');
  if (cohorts && cohorts.length !== courses.length) {
    throw nonFieldError('If provided, the cohorts and courses should have equal number of items.');
  }
  if (courses.length > MAX_BULK_COURSES) {
    throw new ApiError(413, {
      error_code: 'too_many_courses',
      developer_message: `${courses.length} courses in one request; at most ${MAX_BULK_COURSES}. Split the request.`,
    });
  }
  if (identifiers.length * courses.length > bound.max) {
    throw new ApiError(413, tooManyPairs(identifiers.length, courses.length, bound));
  }
  return {
    identifiers,
    courses,
    action,
    cohorts,
    autoEnroll: fields.auto_enroll,
    emailStudents: fields.email_students,
    reason: fields.reason,
    dryRun: fields.dry_run,
  };
}
