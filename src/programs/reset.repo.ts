import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { organizations, programEnrollments, userExternalIds, users } from '../db/schema';
import { deleteEnrollmentsById, deleteEnrollmentsOfUsers } from '../enrollments/enrollment-writes.repo';
import { deleteUsers } from '../users/users.repo';

// Integration reset (docs/api/programs.md#integration-reset): a partner's test data wiped in one transaction.

const linkedUsers = (slug: string) => sql`(select l.user_id from ${userExternalIds} l where l.provider_slug = ${slug})`;

/** The organization and the usernames that would be deleted: one round trip. */
export async function loadReset(db: Db, shortName: string) {
  const slug = sql`(select o.sso_provider_slug from ${organizations} o where o.short_name = ${shortName})`;
  const [org, doomed] = await db.batch([
    db
      .select({ shortName: organizations.shortName, slug: organizations.ssoProviderSlug })
      .from(organizations)
      .where(eq(organizations.shortName, shortName)),
    db
      .select({ username: users.username })
      .from(users)
      .where(inArray(users.id, sql`(select l.user_id from ${userExternalIds} l where l.provider_slug = ${slug})`)),
  ]);
  return { org: org[0] ?? null, usernames: doomed.map((u) => u.username) };
}

/**
 * Statements for ONE batch: (4) every user linked under the provider slug, with their data —
 * enrollments first (they do not cascade), then the users (links, program enrollments, roles,
 * cohorts, grades, certificates… cascade); (5) for the programs the organization owns, the course
 * enrollments linked to their program-course enrollments, then the program enrollments (their
 * program-course enrollments cascade).
 */
export function resetStatements(db: Db, shortName: string, slug: string | null) {
  const ownedPrograms = sql`(select p.uuid from catalog_programs p where p.owning_org = ${shortName})`;
  const userStatements = slug
    ? [deleteEnrollmentsOfUsers(db, linkedUsers(slug)), deleteUsers(db, linkedUsers(slug))]
    : [];
  return [
    ...userStatements,
    deleteEnrollmentsById(
      db,
      sql`(select r.course_enrollment_id from program_course_enrollments r
        where r.program_uuid in ${ownedPrograms} and r.course_enrollment_id is not null)`,
    ),
    db.delete(programEnrollments).where(inArray(programEnrollments.programUuid, ownedPrograms)),
  ];
}
