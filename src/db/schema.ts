// Durable data (D1). Times are epoch milliseconds (integers) so comparisons and keyset paging stay
// index-friendly; the wire format is produced by lib/datetime.ts.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
  (t) => [
    uniqueIndex('course_modes_course_slug_uq').on(t.courseId, t.slug),
    // Modes are always read in provisioning order: no sort step on the hot course-details reads.
    index('course_modes_course_position_idx').on(t.courseId, t.position),
  ],
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

// ---- Program enrollments (program-enrollments.md) and the learner records the overview reads ----

/** LMS organizations (upstream `organizations` app) and the slug of their SAML identity provider (§1.2). */
export const organizations = sqliteTable(
  'organizations',
  {
    shortName: text('short_name').primaryKey(),
    name: text('name').notNull(),
    /** At most one SSO provider per organization, and a provider belongs to one organization. */
    ssoProviderSlug: text('sso_provider_slug'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [uniqueIndex('organizations_sso_provider_uq').on(t.ssoProviderSlug)],
);

/**
 * SSO account links (upstream UserSocialAuth, uid `<slug>:<key>`): slug and key stored apart, so keys
 * may contain `:` (§7). One key per (user, provider); a (provider, key) pair names one user.
 */
export const userExternalIds = sqliteTable(
  'user_external_ids',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    providerSlug: text('provider_slug').notNull(),
    externalUserKey: text('external_user_key').notNull(),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('user_external_ids_provider_key_uq').on(t.providerSlug, t.externalUserKey),
    uniqueIndex('user_external_ids_user_provider_uq').on(t.userId, t.providerSlug),
  ],
);

/** Catalog program record (§1.1) as course discovery pushes it; JSON columns keep what was provisioned. */
export const catalogPrograms = sqliteTable(
  'catalog_programs',
  {
    /** Canonical: lower-case, hyphenated. */
    uuid: text('uuid').primaryKey(),
    title: text('title').notNull(),
    type: text('type').notNull(),
    marketingSlug: text('marketing_slug').notNull(),
    /** `authoring_organizations[0].key`; null when there is none. */
    owningOrg: text('owning_org'),
    /** The first curriculum with `is_active: true`, or null. */
    activeCurriculumUuid: text('active_curriculum_uuid'),
    authoringOrganizations: text('authoring_organizations', { mode: 'json' }).$type<unknown[]>().notNull(),
    courses: text('courses', { mode: 'json' }).$type<unknown[]>().notNull(),
    curricula: text('curricula', { mode: 'json' }).$type<unknown[]>().notNull(),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [index('catalog_programs_owning_org_idx').on(t.owningOrg)],
);

/**
 * Derived from a program's JSON on every PUT: every run of the program (§1.1 "all runs": active
 * curriculum, top-level courses, child programs of the active curriculum, recursively), flagged when
 * it is in the program's own active curriculum (what the course-level writes accept).
 */
export const catalogProgramRuns = sqliteTable(
  'catalog_program_runs',
  {
    programUuid: text('program_uuid')
      .notNull()
      .references(() => catalogPrograms.uuid, { onDelete: 'cascade' }),
    courseId: text('course_id').notNull(),
    inActiveCurriculum: bool('in_active_curriculum').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.programUuid, t.courseId] }),
    index('catalog_program_runs_course_idx').on(t.courseId),
  ],
);

/** ProgramEnrollment (§2.1). `user_id` null = waiting for the learner's SSO link. */
export const programEnrollments = sqliteTable(
  'program_enrollments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** No foreign key: an enrollment outlives its program's removal from the catalog (listings skip it). */
    programUuid: text('program_uuid').notNull(),
    curriculumUuid: text('curriculum_uuid').notNull(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    externalUserKey: text('external_user_key'),
    status: text('status').notNull(),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [
    // The API never creates a second enrollment for (program, key), whatever the curriculum.
    uniqueIndex('program_enrollments_program_key_uq').on(t.programUuid, t.externalUserKey),
    uniqueIndex('program_enrollments_user_program_curriculum_uq').on(t.userId, t.programUuid, t.curriculumUuid),
    // Keyset paging by id within a program.
    index('program_enrollments_program_id_idx').on(t.programUuid, t.id),
    // Realisation: waiting enrollments of a key (§7).
    index('program_enrollments_key_idx').on(t.externalUserKey),
  ],
);

/** ProgramCourseEnrollment (§2.2), one-to-one with a course enrollment once realised. */
export const programCourseEnrollments = sqliteTable(
  'program_course_enrollments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    programEnrollmentId: integer('program_enrollment_id')
      .notNull()
      .references(() => programEnrollments.id, { onDelete: 'cascade' }),
    /** Copy of the parent's program (never changes), so a run's list pages on one index. */
    programUuid: text('program_uuid').notNull(),
    courseKey: text('course_key').notNull(),
    courseEnrollmentId: integer('course_enrollment_id').references(() => enrollments.id, { onDelete: 'set null' }),
    status: text('status').notNull(),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('program_course_enrollments_enrollment_course_uq').on(t.programEnrollmentId, t.courseKey),
    uniqueIndex('program_course_enrollments_course_enrollment_uq').on(t.courseEnrollmentId),
    // Keyset paging by id within (program, run).
    index('program_course_enrollments_program_course_idx').on(t.programUuid, t.courseKey, t.id),
  ],
);

/** Course-staff role granted to a waiting program-course enrollment, realised at linking (§11). */
export const pendingCourseRoles = sqliteTable(
  'pending_course_roles',
  {
    programCourseEnrollmentId: integer('program_course_enrollment_id')
      .notNull()
      .references(() => programCourseEnrollments.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['staff'] }).notNull(),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.programCourseEnrollmentId, t.role] })],
);

/** A learner's course grade (`percent` a fraction 0–1), or why it cannot be computed (`error`). */
export const courseGrades = sqliteTable(
  'course_grades',
  {
    courseId: text('course_id')
      .notNull()
      .references(() => courseRuns.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    percent: real('percent'),
    letterGrade: text('letter_grade'),
    passed: bool('passed'),
    error: text('error'),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] })],
);

export const certificates = sqliteTable(
  'certificates',
  {
    courseId: text('course_id')
      .notNull()
      .references(() => courseRuns.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: text('status').notNull(),
    downloadUrl: text('download_url'),
    /** When the certificate was created (drives the self-paced 30-day rule, §9). */
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] })],
);

/** Last-visited block and course e-mail opt-out of a learner in a run (overview §9). */
export const courseProgress = sqliteTable(
  'course_progress',
  {
    courseId: text('course_id')
      .notNull()
      .references(() => courseRuns.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    resumeBlockUrl: text('resume_block_url'),
    emailOptOut: bool('email_opt_out').notNull().default(false),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] })],
);

/** Subsection due dates of a run, in the order provisioned (overview §9). */
export const courseDueDates = sqliteTable(
  'course_due_dates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    courseId: text('course_id')
      .notNull()
      .references(() => courseRuns.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    url: text('url').notNull(),
    date: millis('date').notNull(),
  },
  (t) => [uniqueIndex('course_due_dates_course_position_uq').on(t.courseId, t.position)],
);
