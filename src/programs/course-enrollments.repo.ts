import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Statement } from '../db/batch';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { inJsonList } from '../db/json-list';
import { jsonField, jsonRows } from '../db/json-rows';
import {
  catalogProgramRuns,
  courseRuns,
  enrollments,
  programCourseEnrollments,
  programEnrollments,
  users,
} from '../db/schema';
import { activeThroughPrograms } from './held-elsewhere.repo';
import type { IdCursor } from './paging';
import { keyset, programQuery } from './programs.repo';

// Program-course enrollments (docs/api/programs.md#course-enrollments-made, #course-list) and the
// facts their writes decide on.

/** Whether the run is in the catalog, and whether it is in the program's active curriculum. */
export const runChecks = (db: Db, programUuid: string, courseId: string) =>
  [
    db.select({ id: courseRuns.id }).from(courseRuns).where(eq(courseRuns.id, courseId)),
    db
      .select({ inActiveCurriculum: catalogProgramRuns.inActiveCurriculum })
      .from(catalogProgramRuns)
      .where(and(eq(catalogProgramRuns.programUuid, programUuid), eq(catalogProgramRuns.courseId, courseId))),
  ] as const;

/**
 * Everything a program-course write of these keys decides on, in ONE round trip: program and run
 * checks, the program enrollments of the keys (with the learner's e-mail), their rows for this run,
 * the learners' enrollments in the run, and which learners are active in the run through another
 * program (an active row there, or the enrollment linked to an active row there).
 */
export async function loadCourseWrite(db: Db, programUuid: string, courseId: string, keys: string[]) {
  const keysJson = JSON.stringify(keys);
  const parentIds = sql`(select pe.id from ${programEnrollments} pe where pe.program_uuid = ${programUuid}
    and pe.external_user_key in (select value from json_each(${keysJson})))`;
  const learnerIds = sql`(select pe.user_id from ${programEnrollments} pe where pe.program_uuid = ${programUuid}
    and pe.user_id is not null and pe.external_user_key in (select value from json_each(${keysJson})))`;
  const [program, course, membership, parents, rows, current, activeElsewhere, heldByActive] = await db.batch([
    programQuery(db, programUuid),
    ...runChecks(db, programUuid, courseId),
    db
      .select({
        id: programEnrollments.id,
        key: programEnrollments.externalUserKey,
        userId: programEnrollments.userId,
        email: users.email,
      })
      .from(programEnrollments)
      .leftJoin(users, eq(users.id, programEnrollments.userId))
      .where(
        and(eq(programEnrollments.programUuid, programUuid), inJsonList(programEnrollments.externalUserKey, keys)),
      ),
    db
      .select({
        programEnrollmentId: programCourseEnrollments.programEnrollmentId,
        status: programCourseEnrollments.status,
        courseEnrollmentId: programCourseEnrollments.courseEnrollmentId,
      })
      .from(programCourseEnrollments)
      .where(
        and(
          eq(programCourseEnrollments.courseKey, courseId),
          inArray(programCourseEnrollments.programEnrollmentId, parentIds),
        ),
      ),
    db
      .select({ userId: enrollments.userId, mode: enrollments.mode, isActive: enrollments.isActive })
      .from(enrollments)
      .where(and(eq(enrollments.courseId, courseId), inArray(enrollments.userId, learnerIds))),
    ...activeThroughPrograms(db, { userIds: learnerIds, courseIds: sql`(${courseId})`, exceptProgram: programUuid }),
  ]);
  return {
    program: program[0] ?? null,
    courseExists: course.length > 0,
    inActiveCurriculum: membership[0]?.inActiveCurriculum ?? false,
    parents,
    rows,
    current,
    heldElsewhere: new Set([...activeElsewhere, ...heldByActive].map((r) => r.userId)),
  };
}

/** The program and run checks, then `rows` (a page of the run's rows in the program): one round trip. */
export async function withRunChecks<Q extends Statement>(db: Db, programUuid: string, courseId: string, rows: Q) {
  const [program, course, membership, page] = await db.batch([
    programQuery(db, programUuid),
    ...runChecks(db, programUuid, courseId),
    rows,
  ]);
  return {
    program: program[0] ?? null,
    courseExists: course.length > 0,
    inActiveCurriculum: membership[0]?.inActiveCurriculum ?? false,
    rows: page as Awaited<Q>,
  };
}

/** The program-course enrollments of the program in the run, after the keyset `page`. */
export const inRun = (programUuid: string, courseId: string, page: { where?: SQL }) =>
  and(
    eq(programCourseEnrollments.programUuid, programUuid),
    eq(programCourseEnrollments.courseKey, courseId),
    page.where,
  );

/** Program, run checks and one page of the run's program-course enrollments in the program. */
export function findCourseEnrollmentPage(
  db: Db,
  programUuid: string,
  courseId: string,
  cursor: IdCursor | null,
  limit: number,
) {
  const page = keyset(programCourseEnrollments.id, cursor);
  const rows = db
    .select({
      id: programCourseEnrollments.id,
      status: programCourseEnrollments.status,
      key: programEnrollments.externalUserKey,
      userId: programEnrollments.userId,
      curriculumUuid: programEnrollments.curriculumUuid,
      // Columns qualified by hand: Drizzle prints them bare inside sql, where they would bind to r/cr.
      courseStaff: sql<number>`case when "program_enrollments"."user_id" is null
        then exists (select 1 from pending_course_roles r
          where r.program_course_enrollment_id = "program_course_enrollments"."id" and r.role = 'staff')
        else exists (select 1 from course_roles cr where cr.course_id = "program_course_enrollments"."course_key"
          and cr.user_id = "program_enrollments"."user_id" and cr.role = 'staff') end`.as('course_staff'),
    })
    .from(programCourseEnrollments)
    .innerJoin(programEnrollments, eq(programEnrollments.id, programCourseEnrollments.programEnrollmentId))
    .where(inRun(programUuid, courseId, page))
    .orderBy(page.order)
    .limit(limit + 1);
  return withRunChecks(db, programUuid, courseId, rows);
}

/** A program-course enrollment's status, by its parent (the run is the statement's). */
export type CourseRowStatus = { programEnrollmentId: number; status: string };

/** Creates program-course enrollments (one statement); rows that exist by now are left alone. */
export const insertCourseRows = (db: Db, programUuid: string, courseId: string, rows: CourseRowStatus[], now: number) =>
  insertFromSelect(
    db,
    programCourseEnrollments,
    {
      id: null,
      programEnrollmentId: jsonField('programEnrollmentId'),
      programUuid,
      courseKey: courseId,
      courseEnrollmentId: null,
      status: jsonField('status'),
      createdAt: now,
      updatedAt: now,
    },
    sql`from ${jsonRows(rows)} where true`,
  ).onConflictDoNothing();

/** Sets the status of existing rows of the run (one statement). */
export const updateCourseRowStatuses = (db: Db, courseId: string, rows: CourseRowStatus[], now: number) =>
  db
    .update(programCourseEnrollments)
    .set({
      status: sql`(select ${jsonField('status')} from ${jsonRows(rows)}
        where ${jsonField('programEnrollmentId')} = "program_course_enrollments"."program_enrollment_id")`,
      updatedAt: now,
    })
    .where(
      and(
        eq(programCourseEnrollments.courseKey, courseId),
        inArray(
          programCourseEnrollments.programEnrollmentId,
          sql`(select ${jsonField('programEnrollmentId')} from ${jsonRows(rows)})`,
        ),
      ),
    );
