import { and, inArray, not, sql } from 'drizzle-orm';
import type { Statement } from '../db/batch';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { jsonField, jsonRows } from '../db/json-rows';
import { enrollments, pendingCourseRoles, programCourseEnrollments } from '../db/schema';
import { writeEnrollmentStates } from '../enrollments/enrollment-writes.repo';
import { grantCourseRoles, type LearnerInRun, revokeCourseRoles } from '../roles/course-roles.repo';

// Course enrollments made through programs (docs/api/programs.md#program-course-enrollments): the
// learner's enrollment in each run (mode and activation decided by statuses.ts) linked one-to-one
// to its program-course enrollment; course-staff roles granted, revoked or kept pending. Every
// function returns statements for the caller's ONE batch, each a single set-based statement over
// JSON rows, so their number does not grow with the number of records.

type Statements = Statement[];

/** One program-course enrollment (by its parent and run) and the enrollment to write for its learner. */
export interface CourseLink {
  programEnrollmentId: number;
  courseId: string;
  userId: number;
  email: string;
  mode: string;
  isActive: boolean;
}

/** The rows' (user, run) pairs, for `(user_id, course_id) in (...)`. */
const userCoursePairs = (links: readonly CourseLink[]) =>
  sql`(select ${jsonField('userId')}, ${jsonField('courseId')} from ${jsonRows(links)})`;

/**
 * The learners' enrollments in the runs (written and audited by the enrollments domain), then each
 * linked one-to-one to its program-course enrollment: an enrollment held by another (inactive)
 * program-course enrollment is taken over.
 */
export function courseLinkStatements(
  db: Db,
  links: readonly CourseLink[],
  by: { actor: string | null; now: number; eventOrigin: 'program' | 'linking' },
) {
  if (links.length === 0) return [] as Statements;
  const { actor, now, eventOrigin } = by;
  const rows = jsonRows(links);
  const states = links.map((l) => ({ ...l, requestedMode: l.mode, requestedIsActive: l.isActive }));
  const linkedPairs = sql`("program_course_enrollments"."program_enrollment_id", "program_course_enrollments"."course_key")
    in (select ${jsonField('programEnrollmentId')}, ${jsonField('courseId')} from ${rows})`;
  return [
    ...writeEnrollmentStates(db, states, { source: 'program_enrollments', actor, reason: null, now, eventOrigin }),
    // Only OTHER rows give the enrollment up: a row keeping its own link is not unlinked and
    // re-linked, which would read as a new link to the event trigger (docs/events.md#types).
    db
      .update(programCourseEnrollments)
      .set({ courseEnrollmentId: null, updatedAt: now })
      .where(
        and(
          inArray(
            programCourseEnrollments.courseEnrollmentId,
            sql`(select e.id from ${enrollments} e where (e.user_id, e.course_id) in ${userCoursePairs(links)})`,
          ),
          not(linkedPairs),
        ),
      ),
    db
      .update(programCourseEnrollments)
      .set({
        courseEnrollmentId: sql`(select e.id from ${enrollments} e, ${rows}
          where ${jsonField('programEnrollmentId')} = "program_course_enrollments"."program_enrollment_id"
            and ${jsonField('courseId')} = "program_course_enrollments"."course_key"
            and e.user_id = ${jsonField('userId')} and e.course_id = ${jsonField('courseId')})`,
        updatedAt: now,
      })
      .where(linkedPairs),
  ];
}

/** A waiting program-course enrollment, by its parent and run. */
type WaitingRow = { programEnrollmentId: number; courseId: string };

/** Course-staff changes: roles of realised learners, pending assignments of waiting rows. */
export interface StaffChanges {
  grant: LearnerInRun[];
  revoke: LearnerInRun[];
  addPending: WaitingRow[];
  removePending: WaitingRow[];
}

const rowsOf = (pairs: readonly WaitingRow[]) =>
  sql`(select r.id from ${programCourseEnrollments} r join ${jsonRows(pairs)}
    on r.program_enrollment_id = ${jsonField('programEnrollmentId')} and r.course_key = ${jsonField('courseId')})`;

export function courseStaffStatements(db: Db, changes: StaffChanges, now: number) {
  const statements: Statements = [];
  if (changes.grant.length > 0) statements.push(grantCourseRoles(db, changes.grant, 'staff', now));
  if (changes.revoke.length > 0) statements.push(revokeCourseRoles(db, changes.revoke, 'staff'));
  if (changes.addPending.length > 0) {
    statements.push(
      insertFromSelect(
        db,
        pendingCourseRoles,
        { programCourseEnrollmentId: sql`p.id`, role: 'staff', createdAt: now },
        sql`from ${rowsOf(changes.addPending)} p where true`,
      ).onConflictDoNothing(),
    );
  }
  if (changes.removePending.length > 0) {
    statements.push(
      db
        .delete(pendingCourseRoles)
        .where(inArray(pendingCourseRoles.programCourseEnrollmentId, rowsOf(changes.removePending))),
    );
  }
  return statements;
}
