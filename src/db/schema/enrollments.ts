// Course enrollments, their attributes, allowances (docs/api/bulk-enroll.md#allowances) and the audit trail.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { bool, millis, timestamps } from './columns';
import { users } from './users';

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
    /** The last change's event origin and acting username (docs/events.md#data), read by the event triggers. */
    changedOrigin: text('changed_origin'),
    changedBy: text('changed_by'),
    ...timestamps(),
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

/** CourseEnrollmentAllowed (E9, #allowances). */
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
