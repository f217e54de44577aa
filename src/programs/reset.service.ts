import type { Deps } from '../context';
import { runBatch } from '../db/batch';
import { echo } from '../lib/echo';
import { ApiError } from '../lib/errors';
import { forgetAccount } from '../users/users.service';
import { loadReset, resetStatements } from './reset.repo';

/**
 * docs/api/programs.md#reset, once the route has checked the permission, the feature flag (501) and
 * the body (400): the organization must exist (404). Two round trips. Bodies are bare JSON strings.
 */
export async function integrationReset(deps: Deps, shortName: string) {
  const { org, usernames } = await loadReset(deps.db, shortName);
  if (!org) throw new ApiError(404, `organization ${echo(shortName)} not found`);
  await runBatch(deps.db, resetStatements(deps.db, org.shortName, org.slug));
  // Deleted accounts must not linger in this isolate's JWT account cache.
  for (const username of usernames) forgetAccount(username);
  return 'success';
}
