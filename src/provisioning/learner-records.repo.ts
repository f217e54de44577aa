import { and, asc, eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { jsonField, jsonRows } from '../db/json-rows';
import { certificates, courseDueDates, courseGrades, courseProgress, courseRuns, users } from '../db/schema';

// Learner records of a run (grades, certificates, progress) and the run's due dates. Each write is
// ONE batch: existence of run and user, the row before, an upsert that selects the run and the user
// (a no-op when either is missing), the row after.

export type GradeRow = typeof courseGrades.$inferSelect;
export type CertificateRow = typeof certificates.$inferSelect;
export type ProgressRow = typeof courseProgress.$inferSelect;

type RecordTable = typeof courseGrades | typeof certificates | typeof courseProgress;

const flag = (value: boolean | null) => (value === null ? null : value ? 1 : 0);

async function upsertRecord<T extends RecordTable>(
  db: Db,
  table: T,
  courseId: string,
  username: string,
  values: Record<string, SQL | string | number | null>,
  /** Columns an update keeps as first written. */
  insertOnly: readonly string[] = ['createdAt'],
) {
  // An update takes every other written value (`excluded` is the row the insert proposed).
  const columns = getTableColumns(table as SQLiteTable);
  const set = Object.fromEntries(
    Object.keys(values)
      .filter((key) => !insertOnly.includes(key))
      .map((key) => [key, sql.raw(`excluded."${columns[key]?.name}"`)]),
  );
  const rowOf = () =>
    db
      .select({ row: table as SQLiteTable })
      .from(table as SQLiteTable)
      .innerJoin(users, eq(users.id, (table as typeof courseGrades).userId))
      .where(and(eq((table as typeof courseGrades).courseId, courseId), eq(users.username, username)));
  const [course, user, before, , after] = await db.batch([
    db.select({ id: courseRuns.id }).from(courseRuns).where(eq(courseRuns.id, courseId)),
    db.select({ id: users.id }).from(users).where(eq(users.username, username)),
    rowOf(),
    insertFromSelect(
      db,
      table,
      { courseId: sql`c.id`, userId: sql`u.id`, ...values } as never,
      sql`from ${courseRuns} c join ${users} u on u.username = ${username} where c.id = ${courseId}`,
    ).onConflictDoUpdate({
      target: [(table as typeof courseGrades).courseId, (table as typeof courseGrades).userId],
      set: set as never,
    }),
    rowOf(),
  ]);
  const row = (after[0] as { row: unknown } | undefined)?.row ?? null;
  return { courseFound: course.length > 0, userFound: user.length > 0, created: before.length === 0, row };
}

export async function saveGrade(
  db: Db,
  courseId: string,
  username: string,
  grade: { percent: number | null; letterGrade: string | null; passed: boolean | null; error: string | null },
  now: number,
) {
  const saved = await upsertRecord(db, courseGrades, courseId, username, {
    percent: grade.percent,
    letterGrade: grade.letterGrade,
    passed: flag(grade.passed),
    error: grade.error,
    createdAt: now,
    updatedAt: now,
  });
  return { ...saved, row: saved.row as GradeRow | null };
}

export async function saveCertificate(
  db: Db,
  courseId: string,
  username: string,
  certificate: { status: string; downloadUrl: string | null; createdAt: number },
  now: number,
) {
  const saved = await upsertRecord(
    db,
    certificates,
    courseId,
    username,
    {
      status: certificate.status,
      downloadUrl: certificate.downloadUrl,
      createdAt: certificate.createdAt,
      updatedAt: now,
    },
    [],
  );
  return { ...saved, row: saved.row as CertificateRow | null };
}

export async function saveProgress(
  db: Db,
  courseId: string,
  username: string,
  progress: { resumeBlockUrl: string | null; emailOptOut: boolean },
  now: number,
) {
  const saved = await upsertRecord(db, courseProgress, courseId, username, {
    resumeBlockUrl: progress.resumeBlockUrl,
    emailOptOut: flag(progress.emailOptOut),
    createdAt: now,
    updatedAt: now,
  });
  return { ...saved, row: saved.row as ProgressRow | null };
}

/**
 * Replaces a run's due dates (order kept in `position`), all rows bound as one JSON parameter; the
 * writes select the run, so they do nothing when it does not exist. One round trip.
 */
export async function replaceDueDates(
  db: Db,
  courseId: string,
  dueDates: { name: string; url: string; date: number }[],
) {
  const rows = dueDates.map((d, position) => ({ position, ...d }));
  const [course, , , after] = await db.batch([
    db.select({ id: courseRuns.id }).from(courseRuns).where(eq(courseRuns.id, courseId)),
    db.delete(courseDueDates).where(eq(courseDueDates.courseId, courseId)),
    insertFromSelect(
      db,
      courseDueDates,
      {
        id: null,
        courseId: sql`c.id`,
        position: jsonField('position'),
        name: jsonField('name'),
        url: jsonField('url'),
        date: jsonField('date'),
      },
      sql`from ${courseRuns} c join ${jsonRows(rows)} where c.id = ${courseId}`,
    ),
    db
      .select({ name: courseDueDates.name, url: courseDueDates.url, date: courseDueDates.date })
      .from(courseDueDates)
      .where(eq(courseDueDates.courseId, courseId))
      .orderBy(asc(courseDueDates.position)),
  ]);
  return { courseFound: course.length > 0, dueDates: after };
}
