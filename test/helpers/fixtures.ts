import { env } from 'cloudflare:test';
import { and, asc, eq, inArray, or } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import {
  cohortMemberships,
  cohortPreassignments,
  cohorts,
  courseModes,
  courseRoles,
  courseRuns,
  enrollmentAllowances,
  enrollmentAttributes,
  enrollmentAudit,
  enrollments,
  userOrgPreferences,
  userRetirements,
  users,
} from '../../src/db/schema';
import { unique } from './request';

/**
 * Seeding and reading helpers that write D1 directly (independent of the provisioning API). Storage
 * is shared by every test of a run: defaults are unique, and readers are scoped to given ids.
 * Times are epoch milliseconds.
 */
export const db = () => drizzle(env.DB);

export type User = typeof users.$inferSelect;
export type Course = typeof courseRuns.$inferSelect & { modes: (typeof courseModes.$inferSelect)[] };

export interface UserInput {
  username?: string;
  email?: string;
  name?: string;
  isStaff?: boolean;
  isSuperuser?: boolean;
  isActive?: boolean;
  country?: string | null;
}

/** A stored user; the e-mail defaults to `<username>@example.com`, which is what `tokenFor` puts in a JWT. */
export async function createUser(input: UserInput = {}): Promise<User> {
  const username = input.username ?? unique('u');
  const now = Date.now();
  return db()
    .insert(users)
    .values({
      username,
      email: input.email ?? `${username}@example.com`,
      name: input.name ?? '',
      isStaff: input.isStaff ?? false,
      isSuperuser: input.isSuperuser ?? false,
      isActive: input.isActive ?? true,
      country: input.country ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
}

export const userByUsername = (username: string) => db().select().from(users).where(eq(users.username, username)).get();

export interface ModeInput {
  slug: string;
  name?: string;
  minPrice?: number;
  suggestedPrices?: string;
  currency?: string;
  expirationAt?: number | null;
  description?: string | null;
  sku?: string | null;
  bulkSku?: string | null;
}

export interface CourseInput {
  id?: string;
  org?: string;
  name?: string;
  /** Defaults to a single `audit` mode; `[]` stores none (the service then synthesises `audit`). */
  modes?: ModeInput[];
  courseStart?: number | null;
  courseEnd?: number | null;
  enrollmentStart?: number | null;
  enrollmentEnd?: number | null;
  inviteOnly?: boolean;
  maxStudentEnrollmentsAllowed?: number | null;
  selfPaced?: boolean;
  blockedCountries?: string[];
}

const MODE_NAMES: Record<string, string> = {
  audit: 'Audit',
  honor: 'Honor Certificate',
  verified: 'Verified Certificate',
  professional: 'Professional Education',
  'no-id-professional': 'Professional Education',
  credit: 'Credit',
  masters: "Master's",
};

/** A course-key-safe unique part (letters and digits only). */
export const uniquePart = (prefix = 'C') => unique(prefix);

/** `course-v1:<org>+<unique>+Run`. */
export const uniqueCourseId = (org = 'Org') => `course-v1:${org}+${uniquePart('C')}+Run`;

function orgOf(courseId: string): string {
  if (courseId.startsWith('course-v1:')) return courseId.slice('course-v1:'.length).split('+')[0] ?? '';
  return courseId.split('/')[0] ?? '';
}

export async function createCourse(input: CourseInput = {}): Promise<Course> {
  const id = input.id ?? uniqueCourseId(input.org);
  const now = Date.now();
  const run = await db()
    .insert(courseRuns)
    .values({
      id,
      courseName: input.name ?? `Course ${id}`,
      org: input.org ?? orgOf(id),
      courseStart: input.courseStart === undefined ? Date.UTC(2015, 1, 3) : input.courseStart,
      courseEnd: input.courseEnd ?? null,
      enrollmentStart: input.enrollmentStart ?? null,
      enrollmentEnd: input.enrollmentEnd ?? null,
      inviteOnly: input.inviteOnly ?? false,
      maxStudentEnrollmentsAllowed: input.maxStudentEnrollmentsAllowed ?? null,
      selfPaced: input.selfPaced ?? false,
      blockedCountries: input.blockedCountries ?? [],
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  const modeInputs = input.modes ?? [{ slug: 'audit' }];
  const modes = [];
  for (const [position, m] of modeInputs.entries()) {
    modes.push(
      await db()
        .insert(courseModes)
        .values({
          courseId: id,
          position,
          slug: m.slug,
          name: m.name ?? MODE_NAMES[m.slug] ?? m.slug,
          minPrice: m.minPrice ?? 0,
          suggestedPrices: m.suggestedPrices ?? '',
          currency: m.currency ?? 'usd',
          expirationAt: m.expirationAt ?? null,
          description: m.description ?? null,
          sku: m.sku ?? null,
          bulkSku: m.bulkSku ?? null,
        })
        .returning()
        .get(),
    );
  }
  return { ...run, modes };
}

export async function deleteCourse(courseId: string): Promise<void> {
  await db().delete(courseRuns).where(eq(courseRuns.id, courseId));
}

export async function setCourse(courseId: string, values: Partial<typeof courseRuns.$inferInsert>): Promise<void> {
  await db().update(courseRuns).set(values).where(eq(courseRuns.id, courseId));
}

export interface EnrollInput {
  mode?: string;
  isActive?: boolean;
  createdAt?: number;
}

export async function enroll(userId: number, courseId: string, input: EnrollInput = {}) {
  const createdAt = input.createdAt ?? Date.now();
  return db()
    .insert(enrollments)
    .values({
      userId,
      courseId,
      mode: input.mode ?? 'audit',
      isActive: input.isActive ?? true,
      createdAt,
      updatedAt: createdAt,
    })
    .returning()
    .get();
}

export async function grantRole(courseId: string, userId: number, role: 'staff' | 'instructor') {
  await db().insert(courseRoles).values({ courseId, userId, role, createdAt: Date.now() });
}

export async function createCohort(courseId: string, name: string, assignmentType: 'manual' | 'random' = 'manual') {
  return db().insert(cohorts).values({ courseId, name, assignmentType, createdAt: Date.now() }).returning().get();
}

export async function addToCohort(cohort: { id: number; courseId: string }, userId: number) {
  await db().insert(cohortMemberships).values({ courseId: cohort.courseId, userId, cohortId: cohort.id });
}

export async function preassignCohort(cohort: { id: number; courseId: string }, email: string) {
  await db().insert(cohortPreassignments).values({ courseId: cohort.courseId, email, cohortId: cohort.id });
}

export interface AllowanceInput {
  email: string;
  courseId: string;
  autoEnroll?: boolean;
  userId?: number | null;
  createdAt?: number;
}

export async function createAllowance(input: AllowanceInput) {
  return db()
    .insert(enrollmentAllowances)
    .values({
      email: input.email,
      courseId: input.courseId,
      autoEnroll: input.autoEnroll ?? false,
      userId: input.userId ?? null,
      createdAt: input.createdAt ?? Date.now(),
    })
    .returning()
    .get();
}

/** Marks a user as being retired (upstream UserRetirementStatus). */
export async function markRetired(user: User) {
  await db().insert(userRetirements).values({
    userId: user.id,
    originalUsername: user.username,
    originalEmail: user.email,
    createdAt: Date.now(),
  });
}

// ---- readers ---------------------------------------------------------------------------------

export const enrollmentRow = (userId: number, courseId: string) =>
  db()
    .select()
    .from(enrollments)
    .where(and(eq(enrollments.userId, userId), eq(enrollments.courseId, courseId)))
    .get();

export const enrollmentRows = (courseId: string) =>
  db().select().from(enrollments).where(eq(enrollments.courseId, courseId)).orderBy(asc(enrollments.id)).all();

export const auditRows = (courseId: string) =>
  db()
    .select()
    .from(enrollmentAudit)
    .where(eq(enrollmentAudit.courseId, courseId))
    .orderBy(asc(enrollmentAudit.id))
    .all();

export const attributes = (enrollmentId: number) =>
  db()
    .select({
      namespace: enrollmentAttributes.namespace,
      name: enrollmentAttributes.name,
      value: enrollmentAttributes.value,
    })
    .from(enrollmentAttributes)
    .where(eq(enrollmentAttributes.enrollmentId, enrollmentId))
    .orderBy(asc(enrollmentAttributes.namespace), asc(enrollmentAttributes.name))
    .all();

/** The name of the user's cohort in the course, or null. */
export async function cohortOf(userId: number, courseId: string): Promise<string | null> {
  const row = await db()
    .select({ name: cohorts.name })
    .from(cohortMemberships)
    .innerJoin(cohorts, eq(cohorts.id, cohortMemberships.cohortId))
    .where(and(eq(cohortMemberships.userId, userId), eq(cohortMemberships.courseId, courseId)))
    .get();
  return row?.name ?? null;
}

/** The stored e-mail opt-in ("True"/"False") of a user for an org, or null. */
export async function orgOptIn(userId: number, org: string): Promise<string | null> {
  const row = await db()
    .select()
    .from(userOrgPreferences)
    .where(and(eq(userOrgPreferences.userId, userId), eq(userOrgPreferences.org, org)))
    .get();
  return row?.emailOptIn ?? null;
}

export const allowanceRow = (email: string, courseId: string) =>
  db()
    .select()
    .from(enrollmentAllowances)
    .where(and(eq(enrollmentAllowances.email, email), eq(enrollmentAllowances.courseId, courseId)))
    .get();

/** Global row counts of the enrollment-related tables (only meaningful when nothing else runs). */
export async function countRows(): Promise<Record<string, number>> {
  const tables = [
    'enrollments',
    'enrollment_attributes',
    'enrollment_audit',
    'cohort_memberships',
    'cohort_preassignments',
    'enrollment_allowances',
    'user_org_preferences',
    'users',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
    counts[table] = row?.n ?? 0;
  }
  return counts;
}

export interface Scope {
  courseIds: string[];
  userIds: number[];
  /** Include the audit trail of the courses (default true). */
  audit?: boolean;
}

/**
 * Everything enrollment-related that belongs to the given courses/users, as one JSON string: compare
 * before and after a request to assert "a rejected request changes nothing". Scoped, because other
 * test files write the same tables concurrently.
 */
export async function snapshot(scope: Scope): Promise<string> {
  const d = db();
  const courseIds = scope.courseIds.length ? scope.courseIds : ['\u0000'];
  const userIds = scope.userIds.length ? scope.userIds : [-1];
  const enrollmentList = await d
    .select()
    .from(enrollments)
    .where(or(inArray(enrollments.courseId, courseIds), inArray(enrollments.userId, userIds)))
    .orderBy(asc(enrollments.id))
    .all();
  const ids = enrollmentList.map((e) => e.id);
  const attributeList = ids.length
    ? await d
        .select()
        .from(enrollmentAttributes)
        .where(inArray(enrollmentAttributes.enrollmentId, ids))
        .orderBy(
          asc(enrollmentAttributes.enrollmentId),
          asc(enrollmentAttributes.namespace),
          asc(enrollmentAttributes.name),
        )
        .all()
    : [];
  const memberships = await d
    .select()
    .from(cohortMemberships)
    .where(or(inArray(cohortMemberships.courseId, courseIds), inArray(cohortMemberships.userId, userIds)))
    .orderBy(asc(cohortMemberships.courseId), asc(cohortMemberships.userId))
    .all();
  const preassignments = await d
    .select()
    .from(cohortPreassignments)
    .where(inArray(cohortPreassignments.courseId, courseIds))
    .orderBy(asc(cohortPreassignments.email))
    .all();
  const allowances = await d
    .select()
    .from(enrollmentAllowances)
    .where(inArray(enrollmentAllowances.courseId, courseIds))
    .orderBy(asc(enrollmentAllowances.id))
    .all();
  const preferences = await d
    .select()
    .from(userOrgPreferences)
    .where(inArray(userOrgPreferences.userId, userIds))
    .orderBy(asc(userOrgPreferences.userId), asc(userOrgPreferences.org))
    .all();
  const userList = await d.select().from(users).where(inArray(users.id, userIds)).orderBy(asc(users.id)).all();
  const audit =
    scope.audit === false
      ? []
      : await d
          .select()
          .from(enrollmentAudit)
          .where(inArray(enrollmentAudit.courseId, courseIds))
          .orderBy(asc(enrollmentAudit.id))
          .all();
  return JSON.stringify({
    enrollmentList,
    attributeList,
    memberships,
    preassignments,
    allowances,
    preferences,
    // updatedAt of a user may move with a JWT that re-syncs it; only the identity facts matter here.
    userList: userList.map(({ updatedAt: _ignored, ...rest }) => rest),
    audit,
  });
}
