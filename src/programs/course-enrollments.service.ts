import type { Deps } from '../context';
import type { Principal } from '../context/principal';
import { runBatch, type Statement } from '../db/batch';
import { parseCourseKey } from '../lib/course-key';
import { ApiError } from '../lib/errors';
import {
  type CourseRowStatus,
  findCourseEnrollmentPage,
  insertCourseRows,
  loadCourseWrite,
  updateCourseRowStatuses,
} from './course-enrollments.repo';
import { type CourseLink, courseLinkStatements, courseStaffStatements, type StaffChanges } from './course-links.repo';
import { type PageQuery, pageBody, pageRequest, programKey } from './listing';
import { STAFF_PAGE_SIZE } from './paging';
import {
  courseNotFound,
  courseNotInProgram,
  invalidCourseKey,
  noActiveCurriculum,
  programNotFound,
} from './program-errors';
import type { CourseRecord, Walk } from './records';
import { type CourseStatus, decideCourseRecord, type WriteMethod, writeStatus } from './statuses';

// Program-course enrollments of one program and run (docs/api/programs.md#course-list,
// #course-enrollments-made, #adopted).

/** What the program/run checks need to know. */
export interface ProgramRunFacts {
  program: { activeCurriculumUuid: string | null } | null;
  courseExists: boolean;
  inActiveCurriculum: boolean;
}

/**
 * #course-write / #grades checks, in order: program exists; course key parses and the run exists; the program
 * has an active curriculum; the run is in it (all 404, #errors).
 */
export function checkProgramAndRun(facts: ProgramRunFacts, rawCourseId: string) {
  if (!facts.program) throw programNotFound();
  const key = parseCourseKey(rawCourseId);
  if (!key) throw invalidCourseKey();
  if (!facts.courseExists) throw courseNotFound(key.id);
  if (facts.program.activeCurriculumUuid === null) throw noActiveCurriculum();
  if (!facts.inActiveCurriculum) throw courseNotInProgram();
}

/**
 * #course-list-get: checks the run (key, then existence), then the program. Baseline: the run need not be in the
 * program (later upstream added that 404; partners' integrations depend on the baseline 200).
 */
export async function listCourseEnrollments(
  deps: Deps,
  rawUuid: string,
  rawCourseId: string,
  query: PageQuery,
  requestUrl: string,
) {
  const key = parseCourseKey(rawCourseId);
  if (!key) throw invalidCourseKey();
  const request = pageRequest(query, STAFF_PAGE_SIZE);
  const ctx = await findCourseEnrollmentPage(deps.db, programKey(rawUuid), key.id, request.cursor, request.size);
  if (!ctx.courseExists) throw courseNotFound(key.id);
  if (!ctx.program) throw programNotFound();
  return pageBody(ctx.rows, request, requestUrl, (row) => ({
    student_key: row.key,
    status: row.status as CourseStatus,
    account_exists: row.userId !== null,
    curriculum_uuid: row.curriculumUuid,
    course_staff: row.courseStaff === 1,
  }));
}

/**
 * #course-write POST/PATCH/PUT. The body is judged in full first; one round trip loads the checks and every
 * fact about the keys; one atomic batch writes the rows, the learners' course enrollments with their
 * audit records and links, and course-staff roles. Returns the result map and its status code.
 */
export async function writeCourseEnrollments(
  deps: Deps,
  principal: Principal,
  rawUuid: string,
  rawCourseId: string,
  method: WriteMethod,
  walked: Walk<CourseRecord>,
) {
  const courseId = parseCourseKey(rawCourseId)?.id ?? rawCourseId;
  const keys = walked.ok ? walked.records.map((r) => r.key) : [];
  const ctx = await loadCourseWrite(deps.db, programKey(rawUuid), courseId, keys);
  checkProgramAndRun(ctx, rawCourseId);
  if (!walked.ok) throw new ApiError(walked.status, walked.message);

  const parents = new Map(ctx.parents.map((p) => [p.key, p]));
  const rows = new Map(ctx.rows.map((r) => [r.programEnrollmentId, r]));
  const current = new Map(ctx.current.map((e) => [e.userId, e]));
  const results = walked.results;
  const creates: CourseRowStatus[] = [];
  const updates: CourseRowStatus[] = [];
  const links: CourseLink[] = [];
  const staff: StaffChanges = { grant: [], revoke: [], addPending: [], removePending: [] };

  for (const record of walked.records) {
    const parent = parents.get(record.key);
    const row = parent ? rows.get(parent.id) : undefined;
    const userId = parent?.userId ?? null;
    const decision = decideCourseRecord(method, record.status, {
      programEnrollment: parent ? { userId } : null,
      courseEnrollment: row ? { status: row.status as CourseStatus, linked: row.courseEnrollmentId !== null } : null,
      current: userId === null ? null : (current.get(userId) ?? null),
      heldElsewhere: userId !== null && ctx.heldElsewhere.has(userId),
    });
    results.set(record.key, decision.result);
    if (!('row' in decision) || !parent) continue;
    if (decision.row === 'create') creates.push({ programEnrollmentId: parent.id, status: record.status });
    if (decision.row === 'update') updates.push({ programEnrollmentId: parent.id, status: record.status });
    if (decision.enrollment && userId !== null) {
      const { mode, isActive } = decision.enrollment;
      links.push({ programEnrollmentId: parent.id, courseId, userId, email: parent.email ?? '', mode, isActive });
    }
    if (record.courseStaff !== null) {
      if (userId !== null) (record.courseStaff ? staff.grant : staff.revoke).push({ userId, courseId });
      else
        (record.courseStaff ? staff.addPending : staff.removePending).push({
          programEnrollmentId: parent.id,
          courseId,
        });
    }
  }

  const db = deps.db;
  const now = deps.now();
  const statements: Statement[] = [];
  if (creates.length > 0) statements.push(insertCourseRows(db, programKey(rawUuid), courseId, creates, now));
  if (updates.length > 0) statements.push(updateCourseRowStatuses(db, courseId, updates, now));
  statements.push(
    ...courseLinkStatements(db, links, { actor: principal.user?.username ?? null, now, eventOrigin: 'program' }),
  );
  statements.push(...courseStaffStatements(db, staff, now));
  await runBatch(db, statements);
  const answer = Object.fromEntries(results);
  // #course-write step 6: all successes are 200 for every method (no 201 here).
  return { status: writeStatus(answer, 200), results: answer };
}
