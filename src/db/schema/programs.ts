// Program enrollments (docs/api/programs.md#statuses) and their course enrollments.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { millis, timestamps } from './columns';
import { enrollments } from './enrollments';
import { users } from './users';

/** ProgramEnrollment (#statuses). `user_id` null = waiting for the learner's SSO link. */
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
    ...timestamps(),
  },
  (t) => [
    // The API never creates a second enrollment for (program, key), whatever the curriculum.
    uniqueIndex('program_enrollments_program_key_uq').on(t.programUuid, t.externalUserKey),
    uniqueIndex('program_enrollments_user_program_curriculum_uq').on(t.userId, t.programUuid, t.curriculumUuid),
    // Keyset paging by id within a program.
    index('program_enrollments_program_id_idx').on(t.programUuid, t.id),
    // Realisation: waiting enrollments of a key (#realisation).
    index('program_enrollments_key_idx').on(t.externalUserKey),
  ],
);

/** ProgramCourseEnrollment (#course-enrollments-made), one-to-one with a course enrollment once realised. */
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
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('program_course_enrollments_enrollment_course_uq').on(t.programEnrollmentId, t.courseKey),
    uniqueIndex('program_course_enrollments_course_enrollment_uq').on(t.courseEnrollmentId),
    // Keyset paging by id within (program, run).
    index('program_course_enrollments_program_course_idx').on(t.programUuid, t.courseKey, t.id),
  ],
);

/** Course-staff role granted to a waiting program-course enrollment, realised at linking (#p14). */
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
