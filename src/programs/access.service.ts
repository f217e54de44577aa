import type { Deps } from '../context';
import { isGlobalStaff, type Principal } from '../context/principal';
import { findAccessPrograms, findProgramsOfType } from './learner.repo';
import { forbidden } from './program-errors';

/**
 * Read-only access list (docs/api/programs.md#access-list): global staff see every program of
 * `type` (default `masters`, compared lower-cased); course staff or instructors the programs of
 * `type` containing their runs; anyone else the programs they are enrolled in (`enrolled`/`pending`,
 * any type). Baseline rule: course staff do not also get their learner programs. One round trip.
 */
export async function readOnlyAccess(deps: Deps, principal: Principal, type: string | undefined) {
  const user = principal.user;
  if (!user) throw forbidden();
  const wanted = (type ?? 'masters').toLowerCase();
  if (isGlobalStaff(principal)) return findProgramsOfType(deps.db, wanted);
  const found = await findAccessPrograms(deps.db, user.id, wanted);
  return found.isCourseStaff ? found.staffPrograms : found.learnerPrograms;
}
