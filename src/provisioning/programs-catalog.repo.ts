import { and, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { jsonField, jsonRows } from '../db/json-rows';
import { catalogProgramRuns, catalogPrograms, organizations } from '../db/schema';

export type OrganizationRow = typeof organizations.$inferSelect;
export type ProgramRow = typeof catalogPrograms.$inferSelect;

/**
 * Upserts an organization unless its provider slug belongs to another organization (then nothing is
 * written). One round trip; `slugTaken` tells which.
 */
export async function saveOrganization(
  db: Db,
  shortName: string,
  fields: { name: string; ssoProviderSlug: string | null },
  now: number,
) {
  const slugHolder = db
    .select({ shortName: organizations.shortName })
    .from(organizations)
    .where(
      and(eq(organizations.ssoProviderSlug, fields.ssoProviderSlug ?? ''), ne(organizations.shortName, shortName)),
    );
  const [before, holder, , [row]] = await db.batch([
    db.select({ shortName: organizations.shortName }).from(organizations).where(eq(organizations.shortName, shortName)),
    slugHolder,
    insertFromSelect(
      db,
      organizations,
      {
        shortName,
        name: fields.name,
        ssoProviderSlug: fields.ssoProviderSlug,
        createdAt: now,
        updatedAt: now,
      },
      sql`where not exists (select 1 from ${organizations} o
        where o.sso_provider_slug = ${fields.ssoProviderSlug} and o.short_name != ${shortName})`,
    ).onConflictDoUpdate({
      target: organizations.shortName,
      set: { name: fields.name, ssoProviderSlug: fields.ssoProviderSlug, updatedAt: now },
    }),
    db.select().from(organizations).where(eq(organizations.shortName, shortName)),
  ]);
  return { created: before.length === 0, slugTaken: holder.length > 0, row: row ?? null };
}

export type ProgramFields = Omit<ProgramRow, 'createdAt' | 'updatedAt'>;

/**
 * Upserts a program and replaces its derived runs (`catalog_program_runs`, all rows bound as one
 * JSON parameter), then reads it back: ONE atomic batch whatever the size of the catalog record.
 */
export async function saveProgram(
  db: Db,
  program: ProgramFields,
  runs: { courseId: string; inActiveCurriculum: boolean }[],
  now: number,
) {
  const { uuid, ...fields } = program;
  const rows = runs.map((r) => ({ courseId: r.courseId, inActiveCurriculum: r.inActiveCurriculum }));
  const statements = [
    db.select({ uuid: catalogPrograms.uuid }).from(catalogPrograms).where(eq(catalogPrograms.uuid, uuid)),
    db
      .insert(catalogPrograms)
      .values({ ...program, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: catalogPrograms.uuid, set: { ...fields, updatedAt: now } }),
    db.delete(catalogProgramRuns).where(eq(catalogProgramRuns.programUuid, uuid)),
    insertFromSelect(
      db,
      catalogProgramRuns,
      { programUuid: uuid, courseId: jsonField('courseId'), inActiveCurriculum: jsonField('inActiveCurriculum') },
      sql`from ${jsonRows(rows)} where true`,
    ),
    db.select().from(catalogPrograms).where(eq(catalogPrograms.uuid, uuid)),
  ] as const;
  const results = await db.batch(statements);
  const [row] = results[4] as ProgramRow[];
  return { created: results[0].length === 0, row: row as ProgramRow };
}
