import type { Deps } from '../context';
import { parseCourseKey } from '../lib/course-key';
import { checkProgramAndRun } from './course-enrollments.service';
import { findGradePage } from './grades.repo';
import { type PageQuery, pageBody, pageRequest, programKey } from './listing';
import { STAFF_PAGE_SIZE } from './paging';

// Course grades of a program's learners (docs/api/programs.md#grades).

type GradeRow = Awaited<ReturnType<typeof findGradePage>>['rows'][number];

export type GradeView =
  | { student_key: string; passed: boolean; percent: number; letter_grade: string | null }
  | { student_key: string; error: string };

/**
 * A provisioned grade, a provisioned reason why it cannot be computed, or — nothing provisioned —
 * the course's zero grade (decision: upstream computes a live grade).
 */
export function gradeView(row: GradeRow): GradeView {
  const studentKey = row.key ?? '';
  if (row.graded === 1 && row.error !== null) return { student_key: studentKey, error: row.error || 'Unknown error' };
  if (row.graded === 1) {
    return {
      student_key: studentKey,
      passed: row.passed === true,
      percent: row.percent ?? 0,
      letter_grade: row.letterGrade,
    };
  }
  return { student_key: studentKey, passed: false, percent: 0, letter_grade: null };
}

/** Per page: all errors → 422, some → 207, else 200 — and 200 for an empty page (#p5, not 204). */
export function gradePageStatus(results: readonly GradeView[]): 200 | 207 | 422 {
  const errors = results.filter((r) => 'error' in r).length;
  if (results.length === 0 || errors === 0) return 200;
  return errors === results.length ? 422 : 207;
}

/** One round trip. The stricter rule of the `rest_api` move applies: the run must be in the program. */
export async function listGrades(
  deps: Deps,
  rawUuid: string,
  rawCourseId: string,
  query: PageQuery,
  requestUrl: string,
) {
  const request = pageRequest(query, STAFF_PAGE_SIZE);
  const courseId = parseCourseKey(rawCourseId)?.id ?? rawCourseId;
  const ctx = await findGradePage(deps.db, programKey(rawUuid), courseId, request.cursor, request.size);
  checkProgramAndRun(ctx, rawCourseId);
  const body = pageBody(ctx.rows, request, requestUrl, gradeView);
  return { status: gradePageStatus(body.results), body };
}
