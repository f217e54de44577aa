// Course cohorts, memberships and pre-assignments of e-mails without an account.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { millis } from './columns';
import { users } from './users';

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
