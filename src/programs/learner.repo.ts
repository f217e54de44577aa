import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import {
  catalogProgramRuns,
  catalogPrograms,
  certificates,
  courseDueDates,
  courseProgress,
  courseRoles,
  courseRuns,
  enrollments,
  programEnrollments,
} from '../db/schema';
import type { IdCursor } from './paging';
import { keyset, programQuery } from './programs.repo';
import { ACTIVE_PROGRAM_STATUSES } from './statuses';

// What learners and course staff read: the read-only access list, the overview and the
// learner program dashboard (docs/api/programs.md#access-list, #overview, #dashboard).

const programRef = { uuid: catalogPrograms.uuid, slug: catalogPrograms.marketingSlug };

/** Every catalog program whose type, lower-cased, is `type` (global staff). */
export const findProgramsOfType = (db: Db, type: string) =>
  db
    .select(programRef)
    .from(catalogPrograms)
    .where(eq(sql`lower(${catalogPrograms.type})`, type))
    .orderBy(asc(catalogPrograms.uuid));

const STAFF_ROLES = ['staff', 'instructor'] as const;

/**
 * For a user who is not global staff, in ONE round trip: whether they hold a course staff or
 * instructor role, the programs of `type` containing those runs (#catalog "all runs", de-duplicated),
 * and the programs they are enrolled in with an active status (no type filter, catalog only).
 */
export async function findAccessPrograms(db: Db, userId: number, type: string) {
  // A function, not a shared builder: Drizzle builders are mutable (`.limit()` would leak into the subquery).
  const staffRuns = () =>
    db
      .select({ courseId: courseRoles.courseId })
      .from(courseRoles)
      .where(and(eq(courseRoles.userId, userId), inArray(courseRoles.role, STAFF_ROLES)));
  const [roles, staffPrograms, learnerPrograms] = await db.batch([
    staffRuns().limit(1),
    db
      .selectDistinct(programRef)
      .from(catalogPrograms)
      .innerJoin(catalogProgramRuns, eq(catalogProgramRuns.programUuid, catalogPrograms.uuid))
      .where(and(inArray(catalogProgramRuns.courseId, staffRuns()), eq(sql`lower(${catalogPrograms.type})`, type)))
      .orderBy(asc(catalogPrograms.uuid)),
    db
      .selectDistinct(programRef)
      .from(programEnrollments)
      .innerJoin(catalogPrograms, eq(catalogPrograms.uuid, programEnrollments.programUuid))
      .where(and(eq(programEnrollments.userId, userId), inArray(programEnrollments.status, ACTIVE_PROGRAM_STATUSES)))
      .orderBy(asc(catalogPrograms.uuid)),
  ]);
  return { isCourseStaff: roles.length > 0, staffPrograms, learnerPrograms };
}

/** The user's enrollments matching `which`, with run, certificate and progress, in keyset order. */
const overviewRuns = (db: Db, userId: number, which: SQL | undefined, order: { where?: SQL; order: SQL }) =>
  db
    .select({
      id: enrollments.id,
      courseId: enrollments.courseId,
      courseName: courseRuns.courseName,
      courseStart: courseRuns.courseStart,
      courseEnd: courseRuns.courseEnd,
      selfPaced: courseRuns.selfPaced,
      bulkEmailEnabled: courseRuns.bulkEmailEnabled,
      certificateStatus: sql<string | null>`${certificates.status}`.as('certificate_status'),
      certificateUrl: certificates.downloadUrl,
      certificateCreated: sql<number | null>`${certificates.createdAt}`.as('certificate_created'),
      resumeBlockUrl: courseProgress.resumeBlockUrl,
      emailOptOut: courseProgress.emailOptOut,
    })
    .from(enrollments)
    .innerJoin(courseRuns, eq(courseRuns.id, enrollments.courseId))
    .leftJoin(certificates, and(eq(certificates.courseId, enrollments.courseId), eq(certificates.userId, userId)))
    .leftJoin(courseProgress, and(eq(courseProgress.courseId, enrollments.courseId), eq(courseProgress.userId, userId)))
    .where(and(which, order.where))
    .orderBy(order.order);

/**
 * The overview's facts in ONE round trip: the program, whether the user is `enrolled` in it, their
 * ACTIVE `verified`/`masters` enrollments in any run of the program (all runs, not only the active
 * curriculum) with run, certificate and progress, and the due dates of those runs. `page` limits
 * the enrollments to a keyset page (dashboard); without it, all of them.
 */
export async function findOverview(
  db: Db,
  programUuid: string,
  userId: number,
  page: { cursor: IdCursor | null; limit: number } | null,
) {
  const inProgram = and(
    eq(enrollments.userId, userId),
    eq(enrollments.isActive, true),
    inArray(enrollments.mode, ['verified', 'masters']),
    inArray(
      enrollments.courseId,
      db
        .select({ courseId: catalogProgramRuns.courseId })
        .from(catalogProgramRuns)
        .where(eq(catalogProgramRuns.programUuid, programUuid)),
    ),
  );
  const runs = overviewRuns(db, userId, inProgram, keyset(enrollments.id, page?.cursor ?? null));
  const [program, enrolled, rows, dueDates] = await db.batch([
    programQuery(db, programUuid),
    db
      .select({ id: programEnrollments.id })
      .from(programEnrollments)
      .where(
        and(
          eq(programEnrollments.programUuid, programUuid),
          eq(programEnrollments.userId, userId),
          eq(programEnrollments.status, 'enrolled'),
        ),
      )
      .limit(1),
    page ? runs.limit(page.limit + 1) : runs,
    db
      .select({
        courseId: courseDueDates.courseId,
        name: courseDueDates.name,
        url: courseDueDates.url,
        date: courseDueDates.date,
      })
      .from(courseDueDates)
      .where(
        inArray(
          courseDueDates.courseId,
          db.select({ courseId: enrollments.courseId }).from(enrollments).where(inProgram),
        ),
      )
      .orderBy(asc(courseDueDates.courseId), asc(courseDueDates.position)),
  ]);
  return { program: program[0] ?? null, enrolled: enrolled.length > 0, rows, dueDates };
}

export type OverviewRow = Awaited<ReturnType<typeof findOverview>>['rows'][number];
