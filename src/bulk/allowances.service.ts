import type { Deps } from '../context';
import { realiseAllowanceStatements } from './allowances.repo';

/**
 * An account became usable (created active, activated, or its e-mail changed while active): enroll
 * it where its e-mail has auto-enroll allowances (bulk-enroll.md §8). One round trip.
 */
export async function realiseAllowances(
  deps: Deps,
  account: { id: number; email: string; isActive: boolean },
): Promise<void> {
  if (!account.isActive || !account.email) return;
  await deps.db.batch(realiseAllowanceStatements(deps.db, account, deps.now()));
}
