import type { Deps } from '../context';
import type { Principal } from '../context/principal';
import { groupBy } from '../lib/collections';
import { formatDateTime } from '../lib/datetime';
import { findOverview, type OverviewRow } from './learner.repo';
import { type PageQuery, pageBody, pageRequest, programKey } from './listing';
import { DASHBOARD_PAGE_SIZE } from './paging';
import { forbidden, programNotFound } from './program-errors';
import { courseRunStatus } from './run-status';

// The learner's view of a program: the overview (docs/api/programs.md#overview) and the later learner
// program dashboard (#dashboard), which shares its record shape.

type DueDate = Awaited<ReturnType<typeof findOverview>>['dueDates'][number];

/** Relative URLs (`/courses/…`) made absolute on the LMS (as later upstream does). */
const absolute = (lmsRoot: string, url: string) => (url.startsWith('/') && !url.startsWith('//') ? lmsRoot + url : url);

export function courseRunView(
  row: OverviewRow,
  dueDates: readonly DueDate[],
  program: { type: string; title: string },
  lmsRoot: string,
  now: number,
) {
  const certificate =
    row.certificateStatus !== null && row.certificateCreated !== null
      ? { status: row.certificateStatus, createdAt: row.certificateCreated }
      : null;
  return {
    course_run_id: row.courseId,
    display_name: row.courseName,
    course_run_url: `${lmsRoot}/courses/${row.courseId}/course/`,
    start_date: formatDateTime(row.courseStart),
    end_date: formatDateTime(row.courseEnd),
    course_run_status: courseRunStatus(
      { selfPaced: row.selfPaced, start: row.courseStart, end: row.courseEnd, certificate },
      now,
    ),
    due_dates: dueDates.map((d) => ({
      name: d.name,
      url: absolute(lmsRoot, d.url),
      date: formatDateTime(d.date) as string,
    })),
    ...(row.bulkEmailEnabled ? { emails_enabled: row.emailOptOut !== true } : {}),
    ...(certificate?.status === 'downloadable' && row.certificateUrl
      ? { certificate_download_url: absolute(lmsRoot, row.certificateUrl) }
      : {}),
    // Exactly `MicroMasters` (upstream compares the type string as is).
    ...(program.type === 'MicroMasters' ? { micromasters_title: program.title } : {}),
    ...(row.resumeBlockUrl ? { resume_course_run_url: absolute(lmsRoot, row.resumeBlockUrl) } : {}),
  };
}

/** The signed-in learner (routes admit JWT users only). */
function learnerOf(principal: Principal) {
  if (!principal.user) throw forbidden();
  return principal.user;
}

async function load(deps: Deps, principal: Principal, rawUuid: string, page: Parameters<typeof findOverview>[3]) {
  const user = learnerOf(principal);
  const ctx = await findOverview(deps.db, programKey(rawUuid), user.id, page);
  if (!ctx.program) throw programNotFound();
  // Only `enrolled` counts (pending/suspended/canceled/ended do not); JSON 403, not Django's HTML (#p6).
  if (!ctx.enrolled) throw forbidden();
  const program = ctx.program;
  const dueDates = groupBy(ctx.dueDates, (d) => d.courseId);
  const now = deps.now();
  const lmsRoot = deps.config.LMS_ROOT_URL;
  return {
    rows: ctx.rows,
    view: (row: OverviewRow) => courseRunView(row, dueDates.get(row.courseId) ?? [], program, lmsRoot, now),
  };
}

/**
 * #overview: the requester's active verified/masters enrollments in any run of the program, whether or
 * not a program made them (later upstream's "active only" rule). One round trip.
 */
export async function programOverview(deps: Deps, principal: Principal, rawUuid: string) {
  const { rows, view } = await load(deps, principal, rawUuid, null);
  return { course_runs: rows.map(view) };
}

/**
 * #dashboard `GET /users/{username}/programs/{program_uuid}/courses`: the same records, keyset-paged by
 * enrollment. Only the learner themself (403 before the program's existence is checked).
 */
export async function learnerProgramCourses(
  deps: Deps,
  principal: Principal,
  username: string,
  rawUuid: string,
  query: PageQuery,
  requestUrl: string,
) {
  if (learnerOf(principal).username !== username) throw forbidden();
  const request = pageRequest(query, DASHBOARD_PAGE_SIZE);
  const { rows, view } = await load(deps, principal, rawUuid, { cursor: request.cursor, limit: request.size });
  return pageBody(rows, request, requestUrl, view);
}
