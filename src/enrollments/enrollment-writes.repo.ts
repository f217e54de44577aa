import { and, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { Statement } from '../db/batch';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { jsonField, jsonPieces, jsonRows } from '../db/json-rows';
import { courseModes, enrollmentAudit, enrollments } from '../db/schema';
import { DEFAULT_MODE_FALLBACK, DEFAULT_MODE_PREFERENCE } from './course-modes';
import { ENROLLMENT_STATE, type EnrollmentState, transition } from './transitions';

// The only writer of `enrollments` and `enrollment_audit` (docs/architecture.md#one-owner-per-table).
// Every builder returns statements for the caller's ONE atomic `db.batch`: each is set-based over
// JSON rows, so the number of statements does not grow with the number of learners, and every
// audit record reads the state it replaces inside the batch, just before the write that changes it.

/** Who made a change, through what, and why: the columns every audit record carries. */
export interface AuditOrigin {
  source: 'enrollment_api' | 'bulk_enroll' | 'allowance' | 'program_enrollments' | 'retirement' | 'import';
  /** Acting username; null for the API key alone. */
  actor: string | null;
  reason: string | null;
  now: number;
  /** The events' `origin` (docs/events.md#data) when it is not the source's own: `linking`. */
  eventOrigin?: EventOrigin;
}

/** `data.origin` of the enrollment events. */
export type EventOrigin =
  | 'enrollment_api'
  | 'bulk_enroll'
  | 'allowance'
  | 'program'
  | 'linking'
  | 'retirement'
  | 'import'
  /** An import that asked for no events: the enrollments triggers skip it (docs/api/import.md#events). */
  | 'import_quiet';

const EVENT_ORIGIN_OF_SOURCE: Record<AuditOrigin['source'], EventOrigin> = {
  enrollment_api: 'enrollment_api',
  bulk_enroll: 'bulk_enroll',
  allowance: 'allowance',
  program_enrollments: 'program',
  retirement: 'retirement',
  import: 'import',
};

/**
 * The columns every write to `enrollments` sets beside `updated_at`: the event triggers of the
 * migrations read them for the event's `origin` and `created_by` (docs/events.md#how-events-are-written).
 */
export const changeColumns = (origin: AuditOrigin) => ({
  changedOrigin: origin.eventOrigin ?? EVENT_ORIGIN_OF_SOURCE[origin.source],
  changedBy: origin.actor,
  updatedAt: origin.now,
});

/** SQL form of `stateOf()` (transitions.ts), same precedence. */
export const stateSql = (active: SQL, allowed: SQL = sql`0`) =>
  sql`(case when ${active} then ${ENROLLMENT_STATE.enrolled} when ${allowed} then ${ENROLLMENT_STATE.allowed}
    else ${ENROLLMENT_STATE.unenrolled} end)`;

/** SQL form of `transition()` (transitions.ts). */
export const transitionSql = (from: SQL, to: SQL | EnrollmentState) => sql`'from ' || ${from} || ' to ' || ${to}`;

const targetStateSql = (isActive: SQL) => stateSql(sql`${isActive} = 1`);

/** SQL form of `defaultModeSlug()` (course-modes.ts) for the course `courseId`, built from the same preference. */
export function defaultModeSql(courseId: SQL, now: number): SQL {
  const current = (slug: string) =>
    sql`(select m.slug from ${courseModes} m where m.course_id = ${courseId} and m.slug = ${slug}
      and (m.expiration_at is null or m.expiration_at >= ${now}))`;
  return sql`coalesce(${sql.join(
    DEFAULT_MODE_PREFERENCE.map((slug) => current(slug)),
    sql`, `,
  )}, ${DEFAULT_MODE_FALLBACK})`;
}

/** Points audit records written earlier in the batch, before their enrollment existed, at it. */
export const attachAuditToEnrollments = (db: Db, which: SQL | undefined) =>
  db
    .update(enrollmentAudit)
    .set({
      // Qualified by hand: Drizzle prints the columns bare, and inside the subquery they would bind to `e`.
      enrollmentId: sql`(select e.id from ${enrollments} e
        where e.user_id = "enrollment_audit"."user_id" and e.course_id = "enrollment_audit"."course_id")`,
    })
    .where(and(isNull(enrollmentAudit.enrollmentId), which));

/** A (user, course) enrollment in the state it must have after the batch, and what was asked for. */
export interface EnrollmentStateRow {
  userId: number;
  courseId: string;
  email: string;
  mode: string;
  isActive: boolean;
  requestedMode: string | null;
  requestedIsActive: boolean | null;
  /** Only with `keepCreated`: the enrollment's original creation time (an import), null for "now". */
  createdAt?: number | null;
}

/** With `keepCreated`, a row's `createdAt` wins, else the stored one is kept, else now. */
const createdAtSql = (keepCreated: boolean, now: number) =>
  keepCreated
    ? sql`coalesce(${jsonField('createdAt')}, (select e2.created_at from ${enrollments} e2
        where e2.user_id = ${jsonField('userId')} and e2.course_id = ${jsonField('courseId')}), ${now})`
    : sql`${now}`;

const auditedPairs = (rows: readonly EnrollmentStateRow[]) =>
  sql`("enrollment_audit"."user_id", "enrollment_audit"."course_id")
    in (select ${jsonField('userId')}, ${jsonField('courseId')} from ${jsonRows(rows)})`;

/**
 * Sets each (user, course) to its mode and activation: audit records for the rows that change (or
 * for all with `auditUnchanged`: a trusted service's call is recorded even when it changed
 * nothing), then the upsert, then the records pointed at their enrollment. Concurrent identical
 * batches leave one record, and every record names the state it replaced.
 */
export function writeEnrollmentStates(
  db: Db,
  rows: readonly EnrollmentStateRow[],
  origin: AuditOrigin,
  { auditUnchanged = false, keepCreated = false } = {},
): Statement[] {
  const createdChanged = keepCreated ? sql` or ${enrollments.createdAt} != excluded.created_at` : sql``;
  return jsonPieces(rows).flatMap((piece) => [
    insertFromSelect(
      db,
      enrollmentAudit,
      {
        ...auditColumns(origin),
        courseId: jsonField('courseId'),
        enrolledEmail: jsonField('email'),
        stateTransition: transitionSql(stateSql(sql`e.is_active = 1`), targetStateSql(jsonField('isActive'))),
        enrollmentId: sql`e.id`,
        userId: jsonField('userId'),
        requestedMode: jsonField('requestedMode'),
        requestedIsActive: jsonField('requestedIsActive'),
        actualMode: jsonField('mode'),
        actualIsActive: jsonField('isActive'),
      },
      sql`from ${jsonRows(piece)}
        left join ${enrollments} e on e.user_id = ${jsonField('userId')} and e.course_id = ${jsonField('courseId')}
        where ${auditUnchanged ? 1 : 0} = 1 or e.id is null
          or e.is_active != ${jsonField('isActive')} or e.mode != ${jsonField('mode')}`,
    ),
    insertFromSelect(
      db,
      enrollments,
      {
        id: null,
        userId: jsonField('userId'),
        courseId: jsonField('courseId'),
        mode: jsonField('mode'),
        isActive: jsonField('isActive'),
        createdAt: createdAtSql(keepCreated, origin.now),
        ...changeColumns(origin),
      },
      sql`from ${jsonRows(piece)} where true`,
    ).onConflictDoUpdate({
      target: [enrollments.userId, enrollments.courseId],
      set: {
        mode: sql`excluded.mode`,
        isActive: sql`excluded.is_active`,
        ...(keepCreated ? { createdAt: sql`excluded.created_at` } : {}),
        ...changeColumns(origin),
      },
      setWhere: sql`${enrollments.isActive} != excluded.is_active or ${enrollments.mode} != excluded.mode${createdChanged}`,
    }),
    attachAuditToEnrollments(db, and(eq(enrollmentAudit.source, origin.source), auditedPairs(piece))),
  ]);
}

/** The audit columns every record takes from its origin; the rest is per builder. */
export function auditColumns(origin: AuditOrigin) {
  return {
    id: null,
    enrolledBy: origin.actor,
    timeStamp: origin.now,
    reason: origin.reason,
    role: null,
    source: origin.source,
    requestedMode: null,
    requestedIsActive: null,
    actualMode: null,
    actualIsActive: null,
  };
}

/** Retirement: every active enrollment of the user, audited and deactivated. */
export function deactivateAllEnrollmentsOf(db: Db, user: { id: number; email: string }, origin: AuditOrigin) {
  return [
    insertFromSelect(
      db,
      enrollmentAudit,
      {
        ...auditColumns(origin),
        courseId: sql`e.course_id`,
        enrolledEmail: user.email,
        stateTransition: transition(ENROLLMENT_STATE.enrolled, ENROLLMENT_STATE.unenrolled),
        enrollmentId: sql`e.id`,
        userId: user.id,
        requestedIsActive: 0,
        actualMode: sql`e.mode`,
        actualIsActive: 0,
      },
      sql`from ${enrollments} e where e.user_id = ${user.id} and e.is_active = 1`,
    ),
    db
      .update(enrollments)
      .set({ isActive: false, ...changeColumns(origin) })
      .where(and(eq(enrollments.userId, user.id), eq(enrollments.isActive, true))),
  ] as const;
}

/** Deletes the enrollments of these users (`userIds`: a subquery); attributes cascade. */
export const deleteEnrollmentsOfUsers = (db: Db, userIds: SQL) =>
  db.delete(enrollments).where(inArray(enrollments.userId, userIds));

/** Deletes the enrollments with these ids (`ids`: a subquery). */
export const deleteEnrollmentsById = (db: Db, ids: SQL) => db.delete(enrollments).where(inArray(enrollments.id, ids));

/** The enrollment id of (user, course), as a subquery for another table's row. */
export const enrollmentIdOf = (userId: number, courseId: string) =>
  sql`(select ${enrollments.id} from ${enrollments} where ${enrollments.userId} = ${userId} and ${enrollments.courseId} = ${courseId})`;
