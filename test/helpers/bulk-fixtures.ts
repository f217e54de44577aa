import { and, asc, count, eq, inArray, or } from 'drizzle-orm';
import {
  cohortPreassignments,
  cohorts,
  enrollmentAllowances,
  enrollmentAudit,
  enrollments,
  outbox,
  userRetirements,
  users,
} from '../../src/db/schema';
import { createUser, db, type Scope, snapshot, type User, type UserInput } from './fixtures';
import { call, unique } from './request';
import { jwtHeader } from './tokens';

/** Helpers of the bulk enrollment tests (docs/api/bulk-enroll.md), in the style of fixtures.ts. */
export const BULK = '/api/bulk_enroll/v1/bulk_enroll/';

export const FORBIDDEN = { detail: 'You do not have permission to perform this action.' };
export const NOT_AUTHENTICATED = { detail: 'Authentication credentials were not provided.' };
export const NOT_FOUND = { detail: 'Not found.' };

/**
 * A global-staff JWT for a fresh username. The account is stored first (as the JWT describes it), so
 * the request under test does not also create a user: only allowance-lifecycle.test.ts covers that.
 */
export async function staffHeader(username = unique('bstaff')) {
  await createUser({ username, isStaff: true });
  return jwtHeader(username, { administrator: true });
}

/** A fresh e-mail address no account uses. */
export const newEmail = (prefix = 'new') => `${unique(prefix)}@example.com`;

/** POST a JSON body to the endpoint as global staff (or with the given headers). */
export async function bulk(json: unknown, headers?: Record<string, string>) {
  return call(BULK, { method: 'POST', json, headers: headers ?? (await staffHeader()) });
}

/** The state object (docs/api/bulk-enroll.md#state), without cohort keys unless given. */
export const state = (user: boolean, enrollment: boolean, allowed: boolean, autoEnroll = false) => ({
  user,
  enrollment,
  allowed,
  auto_enroll: autoEnroll,
});

export const NONE = state(false, false, false);

/** A stored user with a preferred language and full name (the shared fixture sets neither language). */
export async function createLearner(input: UserInput & { language?: string | null } = {}): Promise<User> {
  const { language, ...rest } = input;
  const user = await createUser({ name: 'Learner Name', ...rest });
  if (language === undefined) return user;
  return db().update(users).set({ language }).where(eq(users.id, user.id)).returning().get();
}

/** A user who asked to be retired, whose row no longer carries the original e-mail (as after retirement). */
export async function createRetiredEmail(): Promise<{ user: User; originalEmail: string }> {
  const user = await createUser();
  await db().insert(userRetirements).values({
    userId: user.id,
    originalUsername: user.username,
    originalEmail: user.email,
    createdAt: Date.now(),
  });
  const retired = await db()
    .update(users)
    .set({ email: `retired__${unique('r')}@retired.invalid` })
    .where(eq(users.id, user.id))
    .returning()
    .get();
  return { user: retired, originalEmail: user.email };
}

export const outboxRows = (courseId: string) =>
  db().select().from(outbox).where(eq(outbox.courseId, courseId)).orderBy(asc(outbox.id)).all();

export const preassignmentRows = (courseId: string) =>
  db()
    .select({ email: cohortPreassignments.email, cohortId: cohortPreassignments.cohortId })
    .from(cohortPreassignments)
    .where(eq(cohortPreassignments.courseId, courseId))
    .orderBy(asc(cohortPreassignments.email))
    .all();

export const allowanceRows = (courseId: string) =>
  db()
    .select()
    .from(enrollmentAllowances)
    .where(eq(enrollmentAllowances.courseId, courseId))
    .orderBy(asc(enrollmentAllowances.id))
    .all();

export const auditRowsForEmail = (email: string) =>
  db()
    .select()
    .from(enrollmentAudit)
    .where(eq(enrollmentAudit.enrolledEmail, email))
    .orderBy(asc(enrollmentAudit.id))
    .all();

export interface BulkScope extends Scope {
  /** E-mails whose allowances, pre-assignments, audit and outbox rows count too (any course). */
  emails?: string[];
}

/**
 * Everything a bulk request may touch for the given courses, users and e-mails, as one string:
 * the shared enrollment snapshot plus allowances, pre-assignments, audit and outbox rows of the
 * e-mails, the courses' cohorts and outbox, and retirements. Compare before/after a rejection.
 */
export async function bulkSnapshot(scope: BulkScope): Promise<string> {
  const d = db();
  const courseIds = scope.courseIds.length ? scope.courseIds : ['\u0000'];
  const emails = scope.emails?.length ? scope.emails : ['\u0000'];
  const userIds = scope.userIds.length ? scope.userIds : [-1];
  const [allowances, preassignments, audit, mails, cohortList, retirements] = await Promise.all([
    d
      .select()
      .from(enrollmentAllowances)
      .where(or(inArray(enrollmentAllowances.courseId, courseIds), inArray(enrollmentAllowances.email, emails)))
      .orderBy(asc(enrollmentAllowances.id))
      .all(),
    d
      .select()
      .from(cohortPreassignments)
      .where(or(inArray(cohortPreassignments.courseId, courseIds), inArray(cohortPreassignments.email, emails)))
      .orderBy(asc(cohortPreassignments.courseId), asc(cohortPreassignments.email))
      .all(),
    d
      .select()
      .from(enrollmentAudit)
      .where(or(inArray(enrollmentAudit.courseId, courseIds), inArray(enrollmentAudit.enrolledEmail, emails)))
      .orderBy(asc(enrollmentAudit.id))
      .all(),
    d
      .select()
      .from(outbox)
      .where(or(inArray(outbox.courseId, courseIds), inArray(outbox.to, emails)))
      .orderBy(asc(outbox.id))
      .all(),
    d.select().from(cohorts).where(inArray(cohorts.courseId, courseIds)).orderBy(asc(cohorts.id)).all(),
    d.select().from(userRetirements).where(inArray(userRetirements.userId, userIds)).all(),
  ]);
  return JSON.stringify({
    base: JSON.parse(await snapshot(scope)),
    allowances,
    preassignments,
    audit,
    mails,
    cohortList,
    retirements,
  });
}

const COURSE_TABLES = {
  enrollments,
  enrollment_audit: enrollmentAudit,
  outbox,
  enrollment_allowances: enrollmentAllowances,
};

/** Row count of a table for one course. */
export async function countFor(table: keyof typeof COURSE_TABLES, courseId: string) {
  const t = COURSE_TABLES[table];
  const [row] = await db().select({ n: count() }).from(t).where(eq(t.courseId, courseId));
  return row?.n ?? 0;
}

/** Active enrollments of a course. */
export async function activeCount(courseId: string) {
  const [row] = await db()
    .select({ n: count() })
    .from(enrollments)
    .where(and(eq(enrollments.courseId, courseId), eq(enrollments.isActive, true)));
  return row?.n ?? 0;
}

/** Many users at once, `<prefix>u<i>` with `<prefix>u<i>@example.com`, in one D1 batch per 500. */
export async function createManyUsers(prefix: string, total: number): Promise<string[]> {
  const names = Array.from({ length: total }, (_, i) => `${prefix}u${i}`);
  const now = Date.now();
  const d = db();
  for (let i = 0; i < names.length; i += 500) {
    const [first, ...rest] = names
      .slice(i, i + 500)
      .map((username) =>
        d
          .insert(users)
          .values({ username, email: `${username}@example.com`, name: '', createdAt: now, updatedAt: now }),
      );
    if (first) await d.batch([first, ...rest]);
  }
  return names;
}

/** The allowance of (email, course), or undefined. */
export const allowanceOf = (email: string, courseId: string) =>
  db()
    .select()
    .from(enrollmentAllowances)
    .where(and(eq(enrollmentAllowances.email, email), eq(enrollmentAllowances.courseId, courseId)))
    .get();
