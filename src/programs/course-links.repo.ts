import { and, eq, inArray, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { attachAuditToEnrollments } from '../db/audit-links';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { jsonField, jsonRows } from '../db/json-rows';
import { courseRoles, enrollmentAudit, enrollments, pendingCourseRoles, programCourseEnrollments } from '../db/schema';

// Course enrollments made through programs (§2.2, §7): the learner's enrollment in each run is
// written (mode and activation decided by statuses.ts), audited, and linked one-to-one to its
// program-course enrollment; course-staff roles (§11) granted, revoked or kept pending. Every
// function returns statements for the caller's ONE batch, each a single set-based statement over
// JSON rows, so their number does not grow with the number of records.

type Statements = BatchItem<'sqlite'>[];

/** One program-course enrollment (parent `pe`, run `c`) and the enrollment to write for learner `u`. */
export interface CourseLink {
  pe: number;
  c: string;
  u: number;
  email: string;
  mode: string;
  /** 1 active, 0 inactive. */
  a: 0 | 1;
}

const SOURCE = 'program_enrollments';

/** The rows' (user, run) pairs, for `(user_id, course_id) in (...)`. */
const userCoursePairs = (links: readonly CourseLink[]) =>
  sql`(select ${jsonField('u')}, ${jsonField('c')} from ${jsonRows(links)})`;

export function courseLinkStatements(db: Db, links: readonly CourseLink[], actor: string | null, now: number) {
  if (links.length === 0) return [] as Statements;
  const rows = jsonRows(links);
  const statements: Statements = [
    // Audit first, while the "from" state is still visible; only for rows whose state changes.
    insertFromSelect(
      db,
      enrollmentAudit,
      {
        id: null,
        courseId: jsonField('c'),
        enrolledEmail: jsonField('email'),
        enrolledBy: actor,
        timeStamp: now,
        stateTransition: sql`'from ' || (case when e.is_active = 1 then 'enrolled' else 'unenrolled' end)
          || (case when ${jsonField('a')} = 1 then ' to enrolled' else ' to unenrolled' end)`,
        reason: null,
        role: null,
        enrollmentId: sql`e.id`,
        userId: jsonField('u'),
        source: SOURCE,
        requestedMode: jsonField('mode'),
        requestedIsActive: jsonField('a'),
        actualMode: jsonField('mode'),
        actualIsActive: jsonField('a'),
      },
      sql`from ${rows} left join ${enrollments} e on e.user_id = ${jsonField('u')} and e.course_id = ${jsonField('c')}
        where e.id is null or e.is_active != ${jsonField('a')} or e.mode != ${jsonField('mode')}`,
    ),
    insertFromSelect(
      db,
      enrollments,
      {
        id: null,
        userId: jsonField('u'),
        courseId: jsonField('c'),
        mode: jsonField('mode'),
        isActive: jsonField('a'),
        createdAt: now,
        updatedAt: now,
      },
      sql`from ${rows} where true`,
    ).onConflictDoUpdate({
      target: [enrollments.userId, enrollments.courseId],
      set: { mode: sql`excluded.mode`, isActive: sql`excluded.is_active`, updatedAt: now },
      setWhere: sql`${enrollments.isActive} != excluded.is_active or ${enrollments.mode} != excluded.mode`,
    }),
    // Point the audit rows written above at their (possibly new) enrollment.
    attachAuditToEnrollments(
      db,
      and(
        eq(enrollmentAudit.source, SOURCE),
        sql`("enrollment_audit"."user_id", "enrollment_audit"."course_id") in ${userCoursePairs(links)}`,
      ),
    ),
    // One-to-one: an enrollment held by another (inactive) program-course enrollment is taken over.
    db
      .update(programCourseEnrollments)
      .set({ courseEnrollmentId: null, updatedAt: now })
      .where(
        inArray(
          programCourseEnrollments.courseEnrollmentId,
          sql`(select e.id from ${enrollments} e where (e.user_id, e.course_id) in ${userCoursePairs(links)})`,
        ),
      ),
    db
      .update(programCourseEnrollments)
      .set({
        courseEnrollmentId: sql`(select e.id from ${enrollments} e, ${rows}
          where ${jsonField('pe')} = "program_course_enrollments"."program_enrollment_id"
            and ${jsonField('c')} = "program_course_enrollments"."course_key"
            and e.user_id = ${jsonField('u')} and e.course_id = ${jsonField('c')})`,
        updatedAt: now,
      })
      .where(
        sql`("program_course_enrollments"."program_enrollment_id", "program_course_enrollments"."course_key")
          in (select ${jsonField('pe')}, ${jsonField('c')} from ${rows})`,
      ),
  ];
  return statements;
}

/** Course-staff changes (§11): roles of realised learners, pending assignments of waiting rows. */
export interface StaffChanges {
  grant: { u: number; c: string }[];
  revoke: { u: number; c: string }[];
  /** Waiting rows, by (parent, run). */
  addPending: { pe: number; c: string }[];
  removePending: { pe: number; c: string }[];
}

const rowsOf = (pairs: readonly { pe: number; c: string }[]) =>
  sql`(select r.id from ${programCourseEnrollments} r join ${jsonRows(pairs)}
    on r.program_enrollment_id = ${jsonField('pe')} and r.course_key = ${jsonField('c')})`;

export function courseStaffStatements(db: Db, changes: StaffChanges, now: number) {
  const statements: Statements = [];
  if (changes.grant.length > 0) {
    statements.push(
      insertFromSelect(
        db,
        courseRoles,
        { courseId: jsonField('c'), userId: jsonField('u'), role: 'staff', createdAt: now },
        sql`from ${jsonRows(changes.grant)} where true`,
      ).onConflictDoNothing(),
    );
  }
  if (changes.revoke.length > 0) {
    statements.push(
      db.delete(courseRoles).where(
        and(
          eq(courseRoles.role, 'staff'),
          sql`("course_roles"."user_id", "course_roles"."course_id")
              in (select ${jsonField('u')}, ${jsonField('c')} from ${jsonRows(changes.revoke)})`,
        ),
      ),
    );
  }
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
