import { and, asc, desc, eq, gt, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { inJsonList } from '../db/json-list';
import { jsonField, jsonRows } from '../db/json-rows';
import { catalogPrograms, organizations, programEnrollments, userExternalIds, users } from '../db/schema';
import type { IdCursor } from './paging';

// Catalog programs as the program APIs read them, and program enrollments (docs/api/programs.md#statuses, #list).

/** A program with what the user lookup (#organizations) needs (owning organization and its SSO provider). */
export const programQuery = (db: Db, programUuid: string) =>
  db
    .select({
      uuid: catalogPrograms.uuid,
      title: catalogPrograms.title,
      type: catalogPrograms.type,
      marketingSlug: catalogPrograms.marketingSlug,
      owningOrg: catalogPrograms.owningOrg,
      activeCurriculumUuid: catalogPrograms.activeCurriculumUuid,
      orgFound: sql<string | null>`${organizations.shortName}`.as('org_found'),
      providerSlug: organizations.ssoProviderSlug,
    })
    .from(catalogPrograms)
    .leftJoin(organizations, eq(organizations.shortName, catalogPrograms.owningOrg))
    .where(eq(catalogPrograms.uuid, programUuid));

export type ProgramSummary = Awaited<ReturnType<typeof programQuery>>[number];

/** The provider slug of a program's owning organization, as a scalar subquery. */
const providerSlugOf = (programUuid: string) =>
  sql`(select o.sso_provider_slug from ${organizations} o join ${catalogPrograms} p on o.short_name = p.owning_org
    where p.uuid = ${programUuid})`;

/**
 * Everything a program-enrollment write of these keys decides on, in ONE round trip: the program,
 * the program's enrollments of the keys (any curriculum), and the users linked to the keys through
 * the program's SSO provider, each flagged when already enrolled in the program under another key.
 */
export async function loadProgramWrite(db: Db, programUuid: string, keys: string[]) {
  const [program, existing, links] = await db.batch([
    programQuery(db, programUuid),
    db
      .select({ id: programEnrollments.id, key: programEnrollments.externalUserKey, status: programEnrollments.status })
      .from(programEnrollments)
      .where(
        and(eq(programEnrollments.programUuid, programUuid), inJsonList(programEnrollments.externalUserKey, keys)),
      ),
    db
      .select({
        key: userExternalIds.externalUserKey,
        userId: userExternalIds.userId,
        enrolled: sql<number>`exists (select 1 from ${programEnrollments} pe
          where pe.program_uuid = ${programUuid} and pe.user_id = "user_external_ids"."user_id")`.as('enrolled'),
      })
      .from(userExternalIds)
      .where(
        and(
          eq(userExternalIds.providerSlug, providerSlugOf(programUuid)),
          inJsonList(userExternalIds.externalUserKey, keys),
        ),
      ),
  ]);
  return { program: program[0] ?? null, existing, links };
}

export interface NewProgramEnrollment {
  externalUserKey: string;
  status: string;
  curriculumUuid: string;
  userId: number | null;
}

/**
 * Creates enrollments (one statement for all rows); a row whose (program, key) or (user, program,
 * curriculum) exists by now is skipped. Returns the keys really created.
 */
export const insertProgramEnrollments = (db: Db, programUuid: string, rows: NewProgramEnrollment[], now: number) =>
  insertFromSelect(
    db,
    programEnrollments,
    {
      id: null,
      programUuid,
      curriculumUuid: jsonField('curriculumUuid'),
      userId: jsonField('userId'),
      externalUserKey: jsonField('externalUserKey'),
      status: jsonField('status'),
      createdAt: now,
      updatedAt: now,
    },
    sql`from ${jsonRows(rows)} where true`,
  )
    .onConflictDoNothing()
    .returning({ key: programEnrollments.externalUserKey });

/** Sets the status of existing enrollments (one statement for all rows). */
export const updateProgramEnrollmentStatuses = (
  db: Db,
  programUuid: string,
  rows: { externalUserKey: string; status: string }[],
  now: number,
) =>
  db
    .update(programEnrollments)
    .set({
      status: sql`(select ${jsonField('status')} from ${jsonRows(rows)}
        where ${jsonField('externalUserKey')} = "program_enrollments"."external_user_key")`,
      updatedAt: now,
    })
    .where(
      and(
        eq(programEnrollments.programUuid, programUuid),
        inArray(
          programEnrollments.externalUserKey,
          sql`(select ${jsonField('externalUserKey')} from ${jsonRows(rows)})`,
        ),
      ),
    );

/** Keyset condition and order on an id column for a cursor. */
export function keyset(column: SQLiteColumn, cursor: IdCursor | null): { where?: SQL; order: SQL } {
  if (cursor?.direction === 'p') return { where: lt(column, cursor.id), order: desc(column) };
  return { where: cursor ? gt(column, cursor.id) : undefined, order: asc(column) };
}

/** The program and one page of its enrollments (`limit + 1` rows): one round trip. */
export async function findProgramEnrollmentPage(db: Db, programUuid: string, cursor: IdCursor | null, limit: number) {
  const page = keyset(programEnrollments.id, cursor);
  const [program, rows] = await db.batch([
    programQuery(db, programUuid),
    db
      .select({
        id: programEnrollments.id,
        key: programEnrollments.externalUserKey,
        status: programEnrollments.status,
        curriculumUuid: programEnrollments.curriculumUuid,
        userId: programEnrollments.userId,
        username: users.username,
        email: users.email,
      })
      .from(programEnrollments)
      .leftJoin(users, eq(users.id, programEnrollments.userId))
      .where(and(eq(programEnrollments.programUuid, programUuid), page.where))
      .orderBy(page.order)
      .limit(limit + 1),
  ]);
  return { program: program[0] ?? null, rows };
}
