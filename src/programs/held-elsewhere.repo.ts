import { and, eq, inArray, ne, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { enrollments, programCourseEnrollments, programEnrollments } from '../db/schema';

/**
 * Which of the learners `userIds` are active in the runs `courseIds` (both subqueries) through a
 * program: an active program-course enrollment of theirs there, or their enrollment there linked to
 * an active program-course enrollment — in any program but `exceptProgram`. Two queries for the
 * caller's read batch, each row a (user, run) pair.
 */
export function activeThroughPrograms(db: Db, q: { userIds: SQL; courseIds: SQL; exceptProgram?: string }) {
  const otherProgram =
    q.exceptProgram === undefined ? undefined : ne(programCourseEnrollments.programUuid, q.exceptProgram);
  return [
    db
      .select({ userId: programEnrollments.userId, courseKey: programCourseEnrollments.courseKey })
      .from(programCourseEnrollments)
      .innerJoin(programEnrollments, eq(programEnrollments.id, programCourseEnrollments.programEnrollmentId))
      .where(
        and(
          inArray(programEnrollments.userId, q.userIds),
          eq(programCourseEnrollments.status, 'active'),
          inArray(programCourseEnrollments.courseKey, q.courseIds),
          otherProgram,
        ),
      ),
    db
      .select({ userId: enrollments.userId, courseKey: enrollments.courseId })
      .from(enrollments)
      .innerJoin(programCourseEnrollments, eq(programCourseEnrollments.courseEnrollmentId, enrollments.id))
      .where(
        and(
          inArray(enrollments.userId, q.userIds),
          inArray(enrollments.courseId, q.courseIds),
          eq(programCourseEnrollments.status, 'active'),
          otherProgram,
        ),
      ),
  ] as const;
}
