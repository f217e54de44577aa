import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { attachAuditToEnrollments } from '../db/audit-links';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { inJsonList } from '../db/json-list';
import {
  cohortMemberships,
  cohortPreassignments,
  cohorts,
  courseModes,
  courseRuns,
  enrollmentAllowances,
  enrollmentAudit,
  enrollments,
  outbox,
  userRetirements,
  users,
} from '../db/schema';
import { chunkByJsonSize } from '../lib/chunks';

// Bulk enrollment storage. Lists travel as ONE JSON parameter read with `json_each`, so a statement's
// bound parameters stay far under D1's limit of 100 whatever the number of identifiers, and the
// round trips do not grow with them.

const json = (values: unknown) => JSON.stringify(values);
const inJson = inJsonList;

/**
 * Everything a bulk request decides on, in one round trip: the users named by username or e-mail
 * (with their retirement), retired e-mails, the courses with their modes, the named cohorts, and —
 * for those users and e-mails in those courses — enrollments, allowances and cohort memberships.
 */
export async function loadBulkState(db: Db, q: { identifiers: string[]; courseIds: string[]; cohortNames: string[] }) {
  const matched = db
    .select({ id: users.id })
    .from(users)
    .where(sql`${inJson(users.username, q.identifiers)} or ${inJson(users.email, q.identifiers)}`);
  const matchedEmails = db.select({ email: users.email }).from(users).where(inJson(users.username, q.identifiers));
  const [userRows, retired, courseRows, modeRows, cohortRows, enrollmentRows, allowanceRows, membershipRows] =
    await db.batch([
      db
        // Aliased: inside a D1 batch rows come back keyed by column name, so a second `created_at`
        // would overwrite the user's.
        .select({ user: users, retiredAt: sql<number | null>`${userRetirements.createdAt}`.as('retired_at') })
        .from(users)
        .leftJoin(userRetirements, eq(userRetirements.userId, users.id))
        .where(inArray(users.id, matched))
        .orderBy(asc(users.id)),
      db
        .select({ email: userRetirements.originalEmail })
        .from(userRetirements)
        .where(inJson(userRetirements.originalEmail, q.identifiers)),
      db
        .select({ id: courseRuns.id, name: courseRuns.courseName })
        .from(courseRuns)
        .where(inJson(courseRuns.id, q.courseIds)),
      db.select().from(courseModes).where(inJson(courseModes.courseId, q.courseIds)).orderBy(asc(courseModes.position)),
      db
        .select({ id: cohorts.id, courseId: cohorts.courseId, name: cohorts.name })
        .from(cohorts)
        .where(and(inJson(cohorts.courseId, q.courseIds), inJson(cohorts.name, q.cohortNames))),
      db
        .select()
        .from(enrollments)
        .where(and(inJson(enrollments.courseId, q.courseIds), inArray(enrollments.userId, matched))),
      db
        .select()
        .from(enrollmentAllowances)
        .where(
          and(
            inJson(enrollmentAllowances.courseId, q.courseIds),
            sql`(${inJson(enrollmentAllowances.email, q.identifiers)} or ${inArray(enrollmentAllowances.email, matchedEmails)})`,
          ),
        ),
      db
        .select({ courseId: cohortMemberships.courseId, userId: cohortMemberships.userId, name: cohorts.name })
        .from(cohortMemberships)
        .innerJoin(cohorts, eq(cohorts.id, cohortMemberships.cohortId))
        .where(and(inJson(cohortMemberships.courseId, q.courseIds), inArray(cohortMemberships.userId, matched))),
    ]);
  return {
    users: userRows,
    retiredEmails: retired.map((r) => r.email),
    courses: courseRows,
    modes: modeRows,
    cohorts: cohortRows,
    enrollments: enrollmentRows,
    allowances: allowanceRows,
    memberships: membershipRows,
  };
}

export interface CourseWrites {
  courseId: string;
  defaultMode: string;
  now: number;
  activate: number[];
  deactivate: number[];
  allowanceUpserts: { email: string; autoEnroll: boolean }[];
  allowanceDeletes: string[];
  memberships: { userId: number; cohortId: number }[];
  preassignments: { email: string; cohortId: number }[];
  audits: {
    email: string;
    userId: number | null;
    transition: string;
    derive: 'enroll' | 'unenroll' | null;
    enrolledBy: string | null;
    reason: string | null;
  }[];
  messages: { to: string; kind: string; subject: string; body: string; language: string | null }[];
}

const field = (path: string) => sql`json_extract(j.value, ${path})`;
const fromJson = (values: unknown[]) => sql`from json_each(${json(values)}) j where true`;

/**
 * Largest JSON list bound as one parameter. D1 refuses longer strings (SQLITE_TOOBIG, ~2 MB in
 * production, less locally), so longer lists become several statements in the same batch.
 */
const MAX_JSON_PARAMETER_BYTES = 256 * 1024;
const pieces = <T>(items: readonly T[]) => chunkByJsonSize(items, MAX_JSON_PARAMETER_BYTES);

/** One course's changes as statements for the request's atomic `db.batch` (empty parts left out). */
export function courseWriteStatements(db: Db, w: CourseWrites) {
  const statements = [];
  for (const activate of pieces(w.activate)) {
    statements.push(
      insertFromSelect(
        db,
        enrollments,
        {
          id: null,
          userId: sql`j.value`,
          courseId: w.courseId,
          mode: w.defaultMode,
          isActive: 1,
          createdAt: w.now,
          updatedAt: w.now,
        },
        fromJson(activate),
      ).onConflictDoUpdate({
        target: [enrollments.userId, enrollments.courseId],
        set: { isActive: true, mode: w.defaultMode, updatedAt: w.now },
        setWhere: sql`${enrollments.isActive} = 0`,
      }),
    );
  }
  for (const deactivate of pieces(w.deactivate)) {
    statements.push(
      db
        .update(enrollments)
        .set({ isActive: false, updatedAt: w.now })
        .where(
          and(
            eq(enrollments.courseId, w.courseId),
            eq(enrollments.isActive, true),
            inJson(enrollments.userId, deactivate),
          ),
        ),
    );
  }
  for (const upserts of pieces(w.allowanceUpserts)) {
    statements.push(
      insertFromSelect(
        db,
        enrollmentAllowances,
        {
          id: null,
          email: field('$.email'),
          courseId: w.courseId,
          autoEnroll: field('$.autoEnroll'),
          userId: null,
          createdAt: w.now,
        },
        fromJson(upserts.map((a) => ({ ...a, autoEnroll: a.autoEnroll ? 1 : 0 }))),
      ).onConflictDoUpdate({
        target: [enrollmentAllowances.email, enrollmentAllowances.courseId],
        set: { autoEnroll: sql`excluded.auto_enroll` },
      }),
    );
  }
  for (const deletes of pieces(w.allowanceDeletes)) {
    statements.push(
      db
        .delete(enrollmentAllowances)
        .where(and(eq(enrollmentAllowances.courseId, w.courseId), inJson(enrollmentAllowances.email, deletes))),
    );
  }
  for (const memberships of pieces(w.memberships)) {
    statements.push(
      insertFromSelect(
        db,
        cohortMemberships,
        { courseId: w.courseId, userId: field('$.userId'), cohortId: field('$.cohortId') },
        fromJson(memberships),
      ).onConflictDoUpdate({
        target: [cohortMemberships.courseId, cohortMemberships.userId],
        set: { cohortId: sql`excluded.cohort_id` },
      }),
    );
  }
  for (const preassignments of pieces(w.preassignments)) {
    statements.push(
      insertFromSelect(
        db,
        cohortPreassignments,
        { courseId: w.courseId, email: field('$.email'), cohortId: field('$.cohortId') },
        fromJson(preassignments),
      ).onConflictDoUpdate({
        target: [cohortPreassignments.courseId, cohortPreassignments.email],
        set: { cohortId: sql`excluded.cohort_id` },
      }),
    );
  }
  for (const messages of pieces(w.messages)) {
    statements.push(
      insertFromSelect(
        db,
        outbox,
        {
          id: null,
          to: field('$.to'),
          kind: field('$.kind'),
          courseId: w.courseId,
          subject: field('$.subject'),
          body: field('$.body'),
          language: field('$.language'),
          created: w.now,
        },
        fromJson(messages),
      ),
    );
  }
  return [...auditStatements(db, w), ...statements, attachAuditToEnrollments(db, auditedHere(w))];
}

/** The audit records of this course's identifiers, for the batch before its writes. */
function auditStatements(db: Db, w: CourseWrites) {
  const userId = sql`json_extract(j.value, '$.userId')`;
  const active = sql`exists (select 1 from ${enrollments} e
    where e.user_id = ${userId} and e.course_id = ${w.courseId} and e.is_active = 1)`;
  const allowed = sql`exists (select 1 from ${enrollmentAllowances} a
    where a.email = json_extract(j.value, '$.email') and a.course_id = ${w.courseId}
      and (${userId} is null or a.user_id is null or a.user_id = ${userId}))`;
  // Read inside the batch, before this course's writes: the state each record starts from.
  const transition = sql`case json_extract(j.value, '$.derive')
    when 'enroll' then case when ${active} then 'from enrolled to enrolled'
      when ${allowed} then 'from allowed to enroll to enrolled' else 'from unenrolled to enrolled' end
    when 'unenroll' then case when ${active} then 'from enrolled to unenrolled'
      when ${allowed} then 'from allowed to enroll to unenrolled' else 'from unenrolled to unenrolled' end
    else json_extract(j.value, '$.transition') end`;
  return pieces(w.audits).map((audits) =>
    insertFromSelect(
      db,
      enrollmentAudit,
      {
        id: null,
        courseId: w.courseId,
        enrolledEmail: field('$.email'),
        enrolledBy: field('$.enrolledBy'),
        timeStamp: w.now,
        stateTransition: transition,
        reason: field('$.reason'),
        role: null,
        enrollmentId: null,
        userId: field('$.userId'),
        source: 'bulk_enroll',
        requestedMode: null,
        requestedIsActive: null,
        actualMode: null,
        actualIsActive: null,
      },
      fromJson(audits),
    ),
  );
}

const auditedHere = (w: CourseWrites) =>
  and(
    eq(enrollmentAudit.source, 'bulk_enroll'),
    eq(enrollmentAudit.courseId, w.courseId),
    eq(enrollmentAudit.timeStamp, w.now),
  );
