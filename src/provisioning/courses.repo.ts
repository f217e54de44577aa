import { and, asc, eq, notExists, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { jsonPieces, jsonRows } from '../db/json-rows';
import { courseModes, courseRuns, enrollments } from '../db/schema';
import { chunk, D1_MAX_BOUND_PARAMETERS } from '../lib/chunks';

export type CourseRow = typeof courseRuns.$inferSelect;
export type ModeRow = typeof courseModes.$inferSelect;

/** A course run as provisioning sets it (embargo and timestamps are kept apart). */
export type CourseFields = Omit<CourseRow, 'blockedCountries' | 'createdAt' | 'updatedAt'>;
export type ModeFields = Omit<ModeRow, 'id' | 'courseId' | 'position'>;

// 11 bound values per mode row: 9 rows per INSERT stays under D1's 100 parameters a statement.
const MODE_ROWS_PER_INSERT = Math.floor((D1_MAX_BOUND_PARAMETERS - 1) / 11);

const modesOf = (db: Db, courseId: string) =>
  db.select().from(courseModes).where(eq(courseModes.courseId, courseId)).orderBy(asc(courseModes.position));

/**
 * Upserts a course run and replaces its modes (array order kept in `position`), then reads both
 * back: ONE atomic `db.batch`, so one round trip whatever the number of modes. The embargo and
 * `created_at` of an existing run are kept.
 */
export async function saveCourse(db: Db, course: CourseFields, modes: ModeFields[], now: number) {
  const { id, ...fields } = course;
  const rows = modes.map((mode, position) => ({ ...mode, courseId: id, position }));
  const inserts = chunk(rows, MODE_ROWS_PER_INSERT).map((part) => db.insert(courseModes).values(part));
  const results = await db.batch([
    db.select({ id: courseRuns.id }).from(courseRuns).where(eq(courseRuns.id, id)),
    db
      .insert(courseRuns)
      .values({ ...course, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: courseRuns.id, set: { ...fields, updatedAt: now } })
      .returning(),
    db.delete(courseModes).where(eq(courseModes.courseId, id)),
    ...inserts,
    modesOf(db, id),
  ]);
  const before = results[0] as unknown[];
  const [row] = results[1] as CourseRow[];
  return { created: before.length === 0, course: row as CourseRow, modes: results.at(-1) as ModeRow[] };
}

/** A course run and its modes, or null: one round trip. */
export async function findCourse(db: Db, courseId: string) {
  const [[row], modes] = await db.batch([
    db.select().from(courseRuns).where(eq(courseRuns.id, courseId)),
    modesOf(db, courseId),
  ]);
  return row ? { course: row, modes } : null;
}

/**
 * Deletes a run only while it has no enrollment rows (active or not); modes and course roles go
 * with it (ON DELETE CASCADE). The check and the delete are one statement, so an enrollment made
 * concurrently cannot be orphaned. One round trip.
 */
export async function deleteCourseWithoutEnrollments(db: Db, courseId: string) {
  const enrolled = db
    .select({ id: enrollments.id })
    .from(enrollments)
    .where(eq(enrollments.courseId, courseId))
    .limit(1);
  const [existing, anyEnrollment, deleted] = await db.batch([
    db.select({ id: courseRuns.id }).from(courseRuns).where(eq(courseRuns.id, courseId)),
    enrolled,
    db
      .delete(courseRuns)
      .where(and(eq(courseRuns.id, courseId), notExists(enrolled)))
      .returning({ id: courseRuns.id }),
  ]);
  return { found: existing.length > 0, hasEnrollments: anyEnrollment.length > 0, deleted: deleted.length > 0 };
}

/** Replaces a run's embargo list; null when the run does not exist. One round trip. */
export async function updateBlockedCountries(db: Db, courseId: string, countries: string[], now: number) {
  const [row] = await db
    .update(courseRuns)
    .set({ blockedCountries: countries, updatedAt: now })
    .where(eq(courseRuns.id, courseId))
    .returning({ id: courseRuns.id, blockedCountries: courseRuns.blockedCountries });
  return row ?? null;
}

/** Which of these course ids are in the catalog (one statement per 256 KB of ids, for a batch). */
export const knownCourseIds = (db: Db, ids: readonly string[]) =>
  jsonPieces(ids).map((piece) =>
    db
      .select({ id: courseRuns.id })
      .from(courseRuns)
      .where(sql`${courseRuns.id} in (select value from ${jsonRows(piece)})`),
  );
