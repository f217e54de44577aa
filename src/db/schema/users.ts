// Accounts (docs/api/provisioning.md#users, docs/api/conventions.md#jit-users) and their SSO links.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { bool, millis, timestamps } from './columns';

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
     * The e-mail whose "allowed" enrollments were last realised for this account (docs/api/bulk-enroll.md#allowances);
     * null while inactive. An active account whose e-mail differs has just become usable.
     */
    allowancesRealisedFor: text('allowances_realised_for'),
    ...timestamps(),
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
 * SSO account links (upstream UserSocialAuth, uid `<slug>:<key>`): slug and key stored apart, so keys
 * may contain `:` (docs/api/programs.md#p11). One key per (user, provider); a (provider, key) pair names one user.
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
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('user_external_ids_provider_key_uq').on(t.providerSlug, t.externalUserKey),
    uniqueIndex('user_external_ids_user_provider_uq').on(t.userId, t.providerSlug),
  ],
);
