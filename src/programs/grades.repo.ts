import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { courseGrades, programCourseEnrollments, programEnrollments } from '../db/schema';
import { inRun, withRunChecks } from './course-enrollments.repo';
import type { IdCursor } from './paging';
import { keyset } from './programs.repo';

/**
 * Program and run checks, then one page of the REALISED program-course enrollments of the program
 * and run (waiting ones never appear) with each learner's provisioned grade: one round trip.
 */
export function findGradePage(db: Db, programUuid: string, courseId: string, cursor: IdCursor | null, limit: number) {
  const page = keyset(programCourseEnrollments.id, cursor);
  const rows = db
    .select({
      id: programCourseEnrollments.id,
      key: programEnrollments.externalUserKey,
      graded: sql<number>`${courseGrades.userId} is not null`.as('graded'),
      percent: courseGrades.percent,
      letterGrade: courseGrades.letterGrade,
      passed: courseGrades.passed,
      error: courseGrades.error,
    })
    .from(programCourseEnrollments)
    .innerJoin(programEnrollments, eq(programEnrollments.id, programCourseEnrollments.programEnrollmentId))
    .leftJoin(
      courseGrades,
      and(
        eq(courseGrades.courseId, programCourseEnrollments.courseKey),
        eq(courseGrades.userId, programEnrollments.userId),
      ),
    )
    .where(and(inRun(programUuid, courseId, page), isNotNull(programEnrollments.userId)))
    .orderBy(page.order)
    .limit(limit + 1);
  return withRunChecks(db, programUuid, courseId, rows);
}
