import type { z } from '@hono/zod-openapi';
import type { Deps } from '../context';
import { runBatch } from '../db/batch';
import type { AuditOrigin, EnrollmentStateRow } from '../enrollments/enrollment-writes.repo';
import { writeEnrollmentStates } from '../enrollments/enrollment-writes.repo';
import { enrollmentStatesOf } from '../enrollments/enrollments.repo';
import { echo } from '../lib/echo';
import type { NdjsonLine } from '../lib/ndjson';
import { firstMessages, requiredErrorMap } from '../lib/zod-issues';
import { forgetAccount } from '../users/users.service';
import { type ImportedUser, storedUsersOf, upsertImportedUsers, userImportOutcome } from '../users/users-import.repo';
import { knownCourseIds } from './courses.repo';
import {
  EnrollmentLine,
  type EnrollmentLineInput,
  type ImportResultBody,
  type LineErrorBody,
  UserLine,
  type UserLineInput,
} from './import.schemas';

/** Import from an existing installation (docs/api/import.md): valid lines applied, the others reported. */

type Valid<T> = { line: number; value: T };
type Outcome = 'created' | 'updated' | 'unchanged';

const fieldErrors = (errors: Record<string, string>) =>
  Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, { developer_message: message }]));

const usernameOf = (value: unknown) => {
  const name = typeof value === 'object' && value !== null ? (value as { username?: unknown }).username : undefined;
  return typeof name === 'string' ? echo(name) : undefined;
};

function lineError(line: number, value: unknown, errors: Record<string, string>): LineErrorBody {
  const username = usernameOf(value);
  return { line, ...(username === undefined ? {} : { username }), field_errors: fieldErrors(errors) };
}

/** Each line through `schema`; a later line repeating an earlier one's `keyOf` is refused, naming it. */
function validateLines<S extends z.ZodType>(
  lines: readonly NdjsonLine[],
  schema: S,
  keyOf: (value: z.output<S>) => string,
  repeatField: string,
) {
  const valid: Valid<z.output<S>>[] = [];
  const errors: LineErrorBody[] = [];
  const seen = new Map<string, number>();
  for (const entry of lines) {
    if ('error' in entry) {
      errors.push(lineError(entry.line, null, { line: entry.error }));
      continue;
    }
    const parsed = schema.safeParse(entry.value, { error: requiredErrorMap });
    if (!parsed.success) {
      errors.push(lineError(entry.line, entry.value, firstMessages(parsed.error.issues, 'path')));
      continue;
    }
    const key = keyOf(parsed.data);
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push(
        lineError(entry.line, entry.value, { [repeatField]: `Repeats line ${first}: one line per key per call.` }),
      );
      continue;
    }
    seen.set(key, entry.line);
    valid.push({ line: entry.line, value: parsed.data });
  }
  return { valid, errors };
}

function answer(outcomes: readonly Outcome[], errors: LineErrorBody[]): ImportResultBody {
  const count = (outcome: Outcome) => outcomes.filter((o) => o === outcome).length;
  errors.sort((a, b) => a.line - b.line);
  return { created: count('created'), updated: count('updated'), unchanged: count('unchanged'), errors };
}

const toImportedUser = (u: UserLineInput): ImportedUser => ({
  username: u.username,
  email: u.email,
  name: u.name,
  isStaff: u.is_staff,
  isSuperuser: u.is_superuser,
  isActive: u.is_active,
  country: u.country,
  language: u.language,
});

/** `POST /import/users`: one D1 round trip (the stored rows read inside the upserting batch). */
export async function importUsers(deps: Deps, lines: readonly NdjsonLine[]): Promise<ImportResultBody> {
  const { valid, errors } = validateLines(lines, UserLine, (u) => u.username, 'username');
  const rows = valid.map(({ value }) => toImportedUser(value));
  if (rows.length === 0) return answer([], errors);
  const reads = storedUsersOf(
    deps.db,
    rows.map((r) => r.username),
  );
  const results = await runBatch(deps.db, [...reads, ...upsertImportedUsers(deps.db, rows, deps.now())]);
  const stored = new Map(
    (results.slice(0, reads.length) as Awaited<(typeof reads)[number]>[]).flat().map((u) => [u.username, u]),
  );
  for (const row of rows) forgetAccount(row.username);
  return answer(
    rows.map((row) => userImportOutcome(row, stored.get(row.username))),
    errors,
  );
}

const IMPORT_ORIGIN = (deps: Deps, emitEvents: boolean): AuditOrigin => ({
  source: 'import',
  actor: null,
  reason: 'import',
  now: deps.now(),
  eventOrigin: emitEvents ? 'import' : 'import_quiet',
});

/** The lines whose user and course exist, as enrollment rows; the others reported. */
async function resolveEnrollmentLines(deps: Deps, valid: Valid<EnrollmentLineInput>[], errors: LineErrorBody[]) {
  const userReads = storedUsersOf(deps.db, [...new Set(valid.map((v) => v.value.username))]);
  const courseReads = knownCourseIds(deps.db, [...new Set(valid.map((v) => v.value.course_id))]);
  const results = await runBatch(deps.db, [...userReads, ...courseReads]);
  const users = new Map(
    (results.slice(0, userReads.length) as Awaited<(typeof userReads)[number]>[]).flat().map((u) => [u.username, u]),
  );
  const courses = new Set((results.slice(userReads.length) as { id: string }[][]).flat().map((c) => c.id));
  const rows: EnrollmentStateRow[] = [];
  for (const { line, value } of valid) {
    const user = users.get(value.username);
    const missing: Record<string, string> = {};
    if (!user) missing.username = `No user with username "${echo(value.username)}".`;
    if (!courses.has(value.course_id)) missing.course_id = `No course run "${echo(value.course_id)}" in the catalog.`;
    if (!user || Object.keys(missing).length > 0) {
      errors.push(lineError(line, value, missing));
      continue;
    }
    rows.push({
      userId: user.id,
      courseId: value.course_id,
      email: user.email,
      mode: value.mode,
      isActive: value.is_active,
      requestedMode: value.mode,
      requestedIsActive: value.is_active,
      createdAt: value.created ?? null,
    });
  }
  return rows;
}

type StoredState = { userId: number; courseId: string; mode: string; isActive: boolean; createdAt: number };

function enrollmentOutcome(row: EnrollmentStateRow, stored: StoredState | undefined): Outcome {
  if (!stored) return 'created';
  const same =
    stored.mode === row.mode &&
    stored.isActive === row.isActive &&
    (row.createdAt == null || stored.createdAt === row.createdAt);
  return same ? 'unchanged' : 'updated';
}

/**
 * `POST /import/enrollments`: two D1 round trips (users and courses read; then one atomic batch that
 * reads the stored states and upserts with audit records, `created` kept). No e-mail is queued.
 */
export async function importEnrollments(deps: Deps, lines: readonly NdjsonLine[], emitEvents: boolean) {
  const { valid, errors } = validateLines(
    lines,
    EnrollmentLine,
    (e) => JSON.stringify([e.username, e.course_id]),
    'course_id',
  );
  const rows = valid.length > 0 ? await resolveEnrollmentLines(deps, valid, errors) : [];
  if (rows.length === 0) return answer([], errors);
  const reads = enrollmentStatesOf(deps.db, rows);
  const writes = writeEnrollmentStates(deps.db, rows, IMPORT_ORIGIN(deps, emitEvents), { keepCreated: true });
  const results = await runBatch(deps.db, [...reads, ...writes]);
  const key = (r: { userId: number; courseId: string }) => `${r.userId} ${r.courseId}`;
  const stored = new Map((results.slice(0, reads.length) as StoredState[][]).flat().map((s) => [key(s), s]));
  return answer(
    rows.map((row) => enrollmentOutcome(row, stored.get(key(row)))),
    errors,
  );
}
