import type { Deps } from '../context';
import { runBatch } from '../db/batch';
import { parseCourseKey } from '../lib/course-key';
import { ApiError } from '../lib/errors';
import { cohortError, cohortIdOf, cohortNotFound, courseNotFound } from './cohorts.service';
import {
  type AddResult,
  identifiersOf,
  MAX_MEMBER_IDENTIFIERS,
  memberPageSize,
  pageCount,
  pageLink,
  planAdd,
  requestedPage,
} from './members.plan';
import { loadAddState, loadMemberPage, removeMember as removeMemberRow } from './members.repo';
import { placeManyInCohorts, preassignToCohorts } from './memberships.repo';

// Upstream CohortUsers (docs/api/cohorts.md#members): list, add, remove. Each request reads in one
// round trip and writes, if anything changes, in one atomic batch.

interface CohortRef {
  courseId: string;
  /** The path's `{cohort_id}` as sent. */
  rawId: string;
}

const checkCourseKey = ({ courseId }: CohortRef) => {
  if (!parseCourseKey(courseId)) throw courseNotFound(courseId);
};

/** The run and the cohort exist, in that order of 404s. */
function checkFound<T>(ref: CohortRef, found: { courseFound: boolean; cohort: T | null }): T {
  if (!found.courseFound) throw courseNotFound(ref.courseId);
  if (!found.cohort) throw cohortNotFound(ref.courseId, ref.rawId);
  return found.cohort;
}

/** DRF's NotFound for a page out of range or not a number (no `error_code`, as upstream). */
const invalidPage = () => new ApiError(404, { developer_message: 'Invalid page.' });

/** One page of members (upstream's DefaultPagination envelope). One round trip. */
export async function listMembers(
  deps: Deps,
  ref: CohortRef,
  query: { page?: string; page_size?: string },
  requestUrl: string,
) {
  checkCourseKey(ref);
  const size = memberPageSize(query.page_size);
  const requested = requestedPage(query.page);
  const page = await loadMemberPage(deps.db, {
    courseId: ref.courseId,
    cohortId: cohortIdOf(ref.rawId),
    size,
    page: requested === null || (requested !== 'last' && requested < 1) ? 1 : requested,
  });
  checkFound(ref, page);
  const pages = pageCount(page.count, size);
  const current = requested === 'last' ? pages : requested;
  if (current === null || current < 1 || current > pages) throw invalidPage();
  return {
    next: pageLink(requestUrl, current + 1, pages),
    previous: pageLink(requestUrl, current - 1, pages),
    count: page.count,
    num_pages: pages,
    current_page: current,
    start: (current - 1) * size,
    results: page.rows,
  };
}

/**
 * Adds members by username or e-mail (#c5): moves are one upsert each, in the same batch as the
 * additions and pre-assignments, so a user is never in two cohorts of a run, nor a request half
 * applied. Two round trips; one when nothing changes.
 */
export async function addMembers(deps: Deps, ref: CohortRef, users: string | readonly string[] | undefined) {
  const identifiers = users === undefined ? [] : identifiersOf(users);
  if (identifiers.length === 0) throw cohortError(400, 'Missing users key in payload', 'missing-users');
  if (identifiers.length > MAX_MEMBER_IDENTIFIERS) {
    throw cohortError(
      413,
      `${identifiers.length} identifiers in one request; at most ${MAX_MEMBER_IDENTIFIERS}. Split the list.`,
      'too_many_identifiers',
    );
  }
  checkCourseKey(ref);
  const state = await loadAddState(deps.db, { courseId: ref.courseId, cohortId: cohortIdOf(ref.rawId), identifiers });
  const cohort = checkFound(ref, state);
  const plan = planAdd({ cohort, identifiers, users: state.users, cohortOf: state.cohortOf });
  await runBatch(deps.db, [
    ...placeManyInCohorts(
      deps.db,
      ref.courseId,
      plan.place.map((userId) => ({ userId, cohortId: cohort.id })),
    ),
    ...preassignToCohorts(
      deps.db,
      ref.courseId,
      plan.preassign.map((email) => ({ email, cohortId: cohort.id })),
    ),
  ]);
  return plan.result satisfies AddResult;
}

/** Removes one member by username (upstream's 404 and 400). One round trip. */
export async function removeMember(deps: Deps, ref: CohortRef, username: string) {
  checkCourseKey(ref);
  const result = await removeMemberRow(deps.db, { courseId: ref.courseId, cohortId: cohortIdOf(ref.rawId), username });
  checkFound(ref, result);
  if (!result.userFound) throw cohortError(404, 'User does not exist.', 'user-not-found');
  if (!result.removed) throw cohortError(400, 'User not assigned to the given cohort.', 'user-not-in-cohort');
}
