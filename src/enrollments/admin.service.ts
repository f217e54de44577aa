import type { z } from 'zod';
import type { Deps } from '../context';
import { callerUsername, type Principal } from '../context/principal';
import { parseCourseKey } from '../lib/course-key';
import { type Cursor, decodeCursor, encodeCursor } from '../lib/cursor';
import { formatDateTime } from '../lib/datetime';
import { echo } from '../lib/echo';
import { isValidEmail } from '../lib/email';
import { ApiError, messageError } from '../lib/errors';
import { findAdminPage, findRetirementWithEnrollments, findRolesOfUser } from './admin.repo';
import { type AllowanceRow, deleteAllowance, findAllowancesByEmail, insertAllowance } from './allowances.repo';
import { deactivateAllEnrollmentsOf } from './enrollment-writes.repo';
import type { AllowanceBodySchema, AllowanceKeySchema, UnenrollBodySchema } from './enrollments.schemas';

// E6–E9: roles, retirement unenroll, the admin list and enrollment allowances.

/**
 * E6 (docs/api/enrollments.md#e6): the caller's course roles. An API-key-only call has no user: 400
 * (upstream text, quote missing).
 */
export async function getRoles(deps: Deps, principal: Principal, courseId: string | null) {
  const user = principal.user;
  if (!user)
    throw messageError(400, `An error occurred while retrieving roles for user '${echo(callerUsername(principal))}`);
  const roles = await findRolesOfUser(deps.db, user.id, courseId);
  return { roles, is_staff: user.isStaff };
}

/** E7 (docs/api/enrollments.md#e7): may call the retirement unenroll: superusers and the retirement service worker. */
export const mayRetire = (principal: Principal, workerUsername: string) =>
  !!principal.user &&
  !principal.restricted &&
  (principal.user.isSuperuser || principal.user.username === workerUsername);

/** E7: deactivate every enrollment of a user being retired. Error bodies are bare JSON strings. */
export async function unenrollRetiredUser(
  deps: Deps,
  principal: Principal,
  { username }: z.output<typeof UnenrollBodySchema>,
): Promise<string[] | null> {
  const { retirement, enrollments } = await findRetirementWithEnrollments(deps.db, username);
  if (!retirement) throw new ApiError(404, 'No retirement request status for username.');
  if (!enrollments.some((e) => e.isActive)) return null;
  await deps.db.batch(
    deactivateAllEnrollmentsOf(
      deps.db,
      { id: retirement.userId, email: retirement.originalEmail },
      { source: 'retirement', actor: principal.user?.username ?? null, reason: 'retirement', now: deps.now() },
    ),
  );
  const orgs = new Set(enrollments.map((e) => e.org ?? parseCourseKey(e.courseId)?.org ?? e.courseId));
  return [...orgs].sort();
}

// ---- E8 admin list (docs/api/enrollments.md#e8) ----

export const ADMIN_PAGE_SIZE = 100;
const MAX_FILTER_ITEMS = 100;
const USERNAME = /^[A-Za-z0-9_-]+$/;

export interface AdminListQuery {
  course_id?: string;
  username?: string;
  course_ids?: string;
  email?: string;
  page_size?: string;
  cursor?: string;
}

const list = (value: string | undefined) => (value ? value.split(',') : []);
const tooMany = (what: string, n: number) =>
  `Too many ${what} in a single request - ${n}. A maximum of ${MAX_FILTER_ITEMS} is allowed`;

function pageSize(value: string | undefined): number {
  const n = Number(value);
  return value && /^\d+$/.test(value) && n >= 1 && n <= ADMIN_PAGE_SIZE ? n : ADMIN_PAGE_SIZE;
}

export async function listAllEnrollments(deps: Deps, query: AdminListQuery) {
  const errors: Record<string, string> = {};
  const courseId = query.course_id || null;
  if (courseId && !parseCourseKey(courseId)) errors.course_id = `'${courseId}' is not a valid course id.`;
  const usernames = list(query.username);
  if (usernames.length > MAX_FILTER_ITEMS) errors.username = tooMany('usernames', usernames.length);
  else if (usernames.some((u) => !USERNAME.test(u))) {
    errors.username =
      'Usernames can only contain letters (A-Z, a-z), numerals (0-9), underscores (_), and hyphens (-).';
  }
  const courseIds = list(query.course_ids);
  if (courseIds.length > MAX_FILTER_ITEMS) errors.course_ids = tooMany('course_ids', courseIds.length);
  const emails = list(query.email);
  if (emails.length > MAX_FILTER_ITEMS) errors.email = tooMany('emails', emails.length);
  if (Object.keys(errors).length > 0) {
    const fieldErrors = Object.fromEntries(
      Object.entries(errors).map(([param, message]) => [param, { developer_message: message }]),
    );
    throw new ApiError(400, { field_errors: fieldErrors });
  }
  let cursor: Cursor | null = null;
  if (query.cursor !== undefined) {
    cursor = decodeCursor(query.cursor);
    if (!cursor) throw new ApiError(404, { developer_message: 'Invalid cursor' });
  }

  const size = pageSize(query.page_size);
  const rows = await findAdminPage(
    deps.db,
    { courseId, usernames, courseIds: courseIds.map((c) => c.toLowerCase()), emails },
    cursor,
    size,
  );
  const more = rows.length > size;
  const page = rows.slice(0, size);
  if (cursor?.direction === 'p') page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  // Coming back from a later page there are always newer rows; going forward there are older ones.
  const hasNext = cursor?.direction === 'p' ? true : more;
  const hasPrevious = cursor === null ? false : cursor.direction === 'n' ? true : more;
  return {
    next: hasNext && last ? encodeCursor({ direction: 'n', createdAt: last.createdAt, id: last.id }) : null,
    previous: hasPrevious && first ? encodeCursor({ direction: 'p', createdAt: first.createdAt, id: first.id }) : null,
    results: page.map((row) => ({
      created: formatDateTime(row.createdAt),
      mode: row.mode,
      is_active: row.isActive,
      user: row.username,
      course_id: row.courseId,
    })),
  };
}

// ---- E9 enrollment allowances (docs/api/enrollments.md#e9) ----

export const allowanceView = (row: AllowanceRow) => ({
  email: row.email,
  course_id: row.courseId,
  auto_enroll: row.autoEnroll,
  created: formatDateTime(row.createdAt),
  user: row.userId,
});

type AllowanceKey = z.output<typeof AllowanceKeySchema>;

/** The key's own rules (the route's schema checked the types): a non-blank valid e-mail, a course key. */
function checkAllowanceKey(value: AllowanceKey) {
  const errors: Record<string, string[]> = {};
  if (value.email.trim() === '') errors.email = ['This field may not be blank.'];
  else if (!isValidEmail(value.email)) errors.email = ['Enter a valid email address.'];
  if (!parseCourseKey(value.course_id)) errors.course_id = [`Course key not valid: ${echo(value.course_id)}`];
  if (Object.keys(errors).length > 0) throw new ApiError(400, errors);
}

export async function listAllowances(deps: Deps, principal: Principal, email: string | undefined) {
  const rows = await findAllowancesByEmail(deps.db, email ?? principal.user?.email ?? '');
  return rows.map(allowanceView);
}

export async function createAllowance(deps: Deps, input: z.output<typeof AllowanceBodySchema>) {
  checkAllowanceKey(input);
  const [row] = await insertAllowance(deps.db, {
    email: input.email,
    courseId: input.course_id,
    autoEnroll: input.auto_enroll ?? false,
    createdAt: deps.now(),
  });
  if (!row) {
    throw messageError(
      409,
      `An enrollment allowed with email ${echo(input.email)} and course ${echo(input.course_id)} already exists.`,
    );
  }
  return allowanceView(row);
}

export async function removeAllowance(deps: Deps, input: AllowanceKey) {
  checkAllowanceKey(input);
  const deleted = await deleteAllowance(deps.db, input.email, input.course_id);
  if (deleted.length === 0) {
    throw messageError(
      404,
      `An enrollment allowed with email ${echo(input.email)} and course ${echo(input.course_id)} doesn't exists.`,
    );
  }
}
