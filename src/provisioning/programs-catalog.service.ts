import type { z } from '@hono/zod-openapi';
import type { Deps } from '../context';
import type { Principal } from '../context/principal';
import { developerError } from '../lib/errors';
import { linkExternalId } from '../programs/linking.service';
import { activeCurriculum, programRuns } from '../programs/program-catalog';
import { type OrganizationRow, type ProgramRow, saveOrganization, saveProgram } from './programs-catalog.repo';
import type { OrganizationBody, ProgramBody } from './programs-catalog.schemas';

// Provisioning of the program domain: organizations with their SSO provider, SSO links, catalog programs.

const organizationResource = (row: OrganizationRow) => ({
  short_name: row.shortName,
  name: row.name,
  sso_provider_slug: row.ssoProviderSlug,
});

/** Upserts an organization; its provider slug may belong to no other organization (409). One round trip. */
export async function putOrganization(deps: Deps, shortName: string, input: z.output<typeof OrganizationBody>) {
  const saved = await saveOrganization(
    deps.db,
    shortName,
    { name: input.name, ssoProviderSlug: input.sso_provider_slug },
    deps.now(),
  );
  if (saved.slugTaken || !saved.row) {
    throw developerError(
      409,
      'sso_provider_in_use',
      `SSO provider "${input.sso_provider_slug}" belongs to another organization.`,
    );
  }
  return { created: saved.created, organization: organizationResource(saved.row) };
}

/** An SSO link; creating one realises waiting program enrollments (programs/linking.service.ts). */
export const putExternalId = (deps: Deps, principal: Principal, username: string, slug: string, key: string) =>
  linkExternalId(deps, principal, username, slug, key);

const programResource = (row: ProgramRow) => ({
  uuid: row.uuid,
  title: row.title,
  type: row.type,
  marketing_slug: row.marketingSlug,
  authoring_organizations: row.authoringOrganizations,
  courses: row.courses,
  curricula: row.curricula,
  active_curriculum_uuid: row.activeCurriculumUuid,
});

/**
 * Upserts a catalog program (UUID canonical) and derives its runs: the active curriculum's (what
 * program-course writes accept) and "all runs" (overview, access list). One round trip.
 */
export async function putProgram(deps: Deps, programUuid: string, input: z.output<typeof ProgramBody>) {
  const saved = await saveProgram(
    deps.db,
    {
      uuid: programUuid,
      title: input.title,
      type: input.type,
      marketingSlug: input.marketing_slug,
      owningOrg: input.authoring_organizations[0]?.key ?? null,
      activeCurriculumUuid: activeCurriculum(input)?.uuid ?? null,
      authoringOrganizations: input.authoring_organizations,
      courses: input.courses,
      curricula: input.curricula,
    },
    programRuns(input),
    deps.now(),
  );
  return { created: saved.created, program: programResource(saved.row) };
}
