import type { Deps } from '../context';
import { ApiError } from '../lib/errors';
import { forgetAccount } from '../users/users.service';
import { runBatch } from './batch.repo';
import { loadReset, resetStatements } from './reset.repo';

/**
 * §8.2, after the permission check: off → 501; then the body (read only when enabled) must name an
 * organization (400) that exists (404). Two round trips. Bodies are bare JSON strings (upstream).
 */
export async function integrationReset(deps: Deps, readBody: () => Promise<Record<string, unknown>>) {
  if (!deps.config.ENABLE_ENROLLMENT_RESET) throw new ApiError(501, 'reset not enabled on this environment');
  const organization = (await readBody()).organization;
  if (organization === undefined || organization === null || organization === '') {
    throw new ApiError(400, "missing required body content 'organization'");
  }
  const shortName = typeof organization === 'string' ? organization : JSON.stringify(organization);
  const { org, usernames } = await loadReset(deps.db, shortName);
  if (!org) throw new ApiError(404, `organization ${shortName} not found`);
  await runBatch(deps.db, resetStatements(deps.db, org.shortName, org.slug));
  // Deleted accounts must not linger in this isolate's JWT account cache.
  for (const username of usernames) forgetAccount(username);
  return 'success';
}
