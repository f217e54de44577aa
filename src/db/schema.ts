// Durable data (D1). Times are epoch milliseconds (integers) so comparisons and keyset paging stay
// index-friendly; the wire format is produced by lib/datetime.ts.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const bool = (name: string) => integer(name, { mode: 'boolean' });
const millis = (name: string) => integer(name);

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull(),
    email: text('email').notNull(),
    name: text('name').notNull().default(''),
    isStaff: bool('is_staff').notNull().default(false),
    isSuperuser: bool('is_superuser').notNull().default(false),
    isActive: bool('is_active').notNull().default(true),
    /** ISO 3166 alpha-2 profile country, used by embargo checks. */
    country: text('country'),
    language: text('language'),
    /**
     * The e-mail whose "allowed" enrollments were last realised for this account (bulk-enroll.md §8);
     * null while inactive. An active account whose e-mail differs has just become usable.
     */
    allowancesRealisedFor: text('allowances_realised_for'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [uniqueIndex('users_username_uq').on(t.username), index('users_email_idx').on(t.email)],
);

/** Per-organization e-mail opt-in (upstream UserOrgTag key "email-optin"), stored as "True"/"False". */
export const userOrgPreferences = sqliteTable(
  'user_org_preferences',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    org: text('org').notNull(),
    emailOptIn: text('email_opt_in').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.org] })],
);

export const courseRuns = sqliteTable('course_runs', {
  id: text('id').primaryKey(),
  courseName: text('course_name').notNull(),
  org: text('org').notNull(),
  courseStart: millis('course_start'),
  courseEnd: millis('course_end'),
  enrollmentStart: millis('enrollment_start'),
  enrollmentEnd: millis('enrollment_end'),
  inviteOnly: bool('invite_only').notNull().default(false),
  maxStudentEnrollmentsAllowed: integer('max_student_enrollments_allowed'),
  selfPaced: bool('self_paced').notNull().default(false),
  bulkEmailEnabled: bool('bulk_email_enabled').notNull().default(false),
  /** Embargo: JSON array of ISO 3166 alpha-2 codes that may not enroll. */
  blockedCountries: text('blocked_countries', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
  createdAt: millis('created_at').notNull(),
  updatedAt: millis('updated_at').notNull(),
});

export const courseModes = sqliteTable(
  'course_modes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    courseId: text('course_id')
      .notNull()
      .references(() => courseRuns.id, { onDelete: 'cascade' }),
    /** Order of the provisioning `modes` array. */
    position: integer('position').notNull(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    minPrice: integer('min_price').notNull().default(0),
    suggestedPrices: text('suggested_prices').notNull().default(''),
    currency: text('currency').notNull().default('usd'),
    expirationAt: millis('expiration_at'),
    description: text('description'),
    sku: text('sku'),
    bulkSku: text('bulk_sku'),
  },
  (t) => [uniqueIndex('course_modes_course_slug_uq').on(t.courseId, t.slug)],
);

export const enrollments = sqliteTable(
  'enrollments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    courseId: text('course_id').notNull(),
    mode: text('mode').notNull(),
    isActive: bool('is_active').notNull(),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('enrollments_user_course_uq').on(t.userId, t.courseId),
    // Admin list keyset paging (created desc, id desc), unfiltered and per course.
    index('enrollments_created_idx').on(t.createdAt, t.id),
    index('enrollments_course_created_idx').on(t.courseId, t.createdAt, t.id),
    // Per-user list ordered by creation.
    index('enrollments_user_created_idx').on(t.userId, t.createdAt, t.id),
  ],
);

export const enrollmentAttributes = sqliteTable(
  'enrollment_attributes',
  {
    enrollmentId: integer('enrollment_id')
      .notNull()
      .references(() => enrollments.id, { onDelete: 'cascade' }),
    namespace: text('namespace').notNull(),
    name: text('name').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.enrollmentId, t.namespace, t.name] })],
);

export const courseRoles = sqliteTable(
  'course_roles',
  {
    courseId: text('course_id')
      .notNull()
      .references(() => courseRuns.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['staff', 'instructor'] }).notNull(),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId, t.role] }), index('course_roles_user_idx').on(t.userId)],
);

export const cohorts = sqliteTable(
  'cohorts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    courseId: text('course_id').notNull(),
    name: text('name').notNull(),
    assignmentType: text('assignment_type', { enum: ['manual', 'random'] }).notNull(),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [uniqueIndex('cohorts_course_name_uq').on(t.courseId, t.name)],
);

/** One cohort per (course, user). */
export const cohortMemberships = sqliteTable(
  'cohort_memberships',
  {
    courseId: text('course_id').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    cohortId: integer('cohort_id')
      .notNull()
      .references(() => cohorts.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] }), index('cohort_memberships_cohort_idx').on(t.cohortId)],
);

/** Cohort chosen for an e-mail that has no account yet; applied when that learner enrolls. */
export const cohortPreassignments = sqliteTable(
  'cohort_preassignments',
  {
    courseId: text('course_id').notNull(),
    email: text('email').notNull(),
    cohortId: integer('cohort_id')
      .notNull()
      .references(() => cohorts.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.email] })],
);

/** CourseEnrollmentAllowed (E9, bulk-enroll.md §8). */
export const enrollmentAllowances = sqliteTable(
  'enrollment_allowances',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    email: text('email').notNull(),
    courseId: text('course_id').notNull(),
    autoEnroll: bool('auto_enroll').notNull().default(false),
    /** The account that consumed it, or null. */
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('enrollment_allowances_email_course_uq').on(t.email, t.courseId),
    index('enrollment_allowances_course_idx').on(t.courseId),
  ],
);

/** UserRetirementStatus: the user asked to be retired. */
export const userRetirements = sqliteTable('user_retirements', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  originalUsername: text('original_username').notNull(),
  originalEmail: text('original_email').notNull(),
  createdAt: millis('created_at').notNull(),
});

/**
 * Enrollment audit trail: upstream ManualEnrollmentAudit plus the enrollment API's
 * `enrollment_change_requested` facts (requested vs. actual mode/activation).
 */
export const enrollmentAudit = sqliteTable(
  'enrollment_audit',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    courseId: text('course_id').notNull(),
    enrolledEmail: text('enrolled_email').notNull(),
    /** Acting username, null for the API key alone. */
    enrolledBy: text('enrolled_by'),
    timeStamp: millis('time_stamp').notNull(),
    stateTransition: text('state_transition').notNull(),
    reason: text('reason'),
    role: text('role'),
    enrollmentId: integer('enrollment_id'),
    userId: integer('user_id'),
    source: text('source').notNull(),
    requestedMode: text('requested_mode'),
    requestedIsActive: bool('requested_is_active'),
    actualMode: text('actual_mode'),
    actualIsActive: bool('actual_is_active'),
  },
  (t) => [
    index('enrollment_audit_course_idx').on(t.courseId, t.id),
    index('enrollment_audit_email_idx').on(t.enrolledEmail, t.id),
  ],
);

/** Notification e-mails the service queued (bulk-enroll.md §5.6); delivery is outside the service. */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    to: text('to').notNull(),
    kind: text('kind').notNull(),
    courseId: text('course_id').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    /** Preferred language of the recipient when known (messages are English for now). */
    language: text('language'),
    created: millis('created').notNull(),
  },
  (t) => [index('outbox_to_idx').on(t.to, t.id), index('outbox_course_idx').on(t.courseId, t.id)],
);
