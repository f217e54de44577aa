// What is taught: course runs and their modes, organizations, the program catalog (docs/api/programs.md#concepts).
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { bool, millis, timestamps } from './columns';

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

// ---- Program enrollments (docs/api/programs.md) and the learner records the overview reads ----

/** LMS organizations (upstream `organizations` app) and the slug of their SAML identity provider (#organizations). */
export const organizations = sqliteTable(
  'organizations',
  {
    shortName: text('short_name').primaryKey(),
    name: text('name').notNull(),
    /** At most one SSO provider per organization, and a provider belongs to one organization. */
    ssoProviderSlug: text('sso_provider_slug'),
    ...timestamps(),
  },
  (t) => [uniqueIndex('organizations_sso_provider_uq').on(t.ssoProviderSlug)],
);

/** Catalog program record (#catalog) as course discovery pushes it; JSON columns keep what was provisioned. */
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
    ...timestamps(),
  },
  (t) => [index('catalog_programs_owning_org_idx').on(t.owningOrg)],
);

/**
 * Derived from a program's JSON on every PUT: every run of the program (#catalog "all runs": active
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
