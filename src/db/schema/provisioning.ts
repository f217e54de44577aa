// Pushed by the LMS: course roles, learner records the overview reads (docs/api/programs.md#overview),
// the notification outbox.
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { courseRuns } from './catalog';
import { bool, millis, timestamps } from './columns';
import { users } from './users';

/** The (run, learner) pair a role or learner record belongs to; both cascade on delete. */
const learnerInRun = () => ({
  courseId: text('course_id')
    .notNull()
    .references(() => courseRuns.id, { onDelete: 'cascade' }),
  userId: integer('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
});

export const courseRoles = sqliteTable(
  'course_roles',
  {
    ...learnerInRun(),
    role: text('role', { enum: ['staff', 'instructor'] }).notNull(),
    createdAt: millis('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId, t.role] }), index('course_roles_user_idx').on(t.userId)],
);

/** Notification e-mails the service queued (docs/api/bulk-enroll.md#notifications); delivery is outside the service. */
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

/** A learner's course grade (`percent` a fraction 0–1), or why it cannot be computed (`error`). */
export const courseGrades = sqliteTable(
  'course_grades',
  {
    ...learnerInRun(),
    percent: real('percent'),
    letterGrade: text('letter_grade'),
    passed: bool('passed'),
    error: text('error'),
    ...timestamps(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] })],
);

export const certificates = sqliteTable(
  'certificates',
  {
    ...learnerInRun(),
    status: text('status').notNull(),
    downloadUrl: text('download_url'),
    /** `created_at`: when the certificate was created (drives the self-paced 30-day rule of the overview). */
    ...timestamps(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] })],
);

/** Last-visited block and course e-mail opt-out of a learner in a run (docs/api/programs.md#overview). */
export const courseProgress = sqliteTable(
  'course_progress',
  {
    ...learnerInRun(),
    resumeBlockUrl: text('resume_block_url'),
    emailOptOut: bool('email_opt_out').notNull().default(false),
    ...timestamps(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] })],
);

/** Subsection due dates of a run, in the order provisioned (docs/api/programs.md#overview). */
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
