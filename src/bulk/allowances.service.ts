import type { Deps } from '../context';
import { realiseAllowanceStatements } from './allowances.repo';

/**
 * Statements that realise an account's pending auto-enroll allowances once it is usable
 * (bulk-enroll.md §8). The users domain appends them to the batch that writes the user, so the
 * write and the realisation are one atomic round trip; they do nothing when nothing is pending.
 */
export const allowanceRealisation = (deps: Deps, username: string) =>
  realiseAllowanceStatements(deps.db, username, deps.now());
