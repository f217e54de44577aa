import type { UserAccount } from '../auth/principal';
import type { Deps } from '../context';
import { findUserByUsername, type UserRow, upsertUserFromClaims } from './users.repo';

export const toAccount = (row: UserRow): UserAccount => ({
  id: row.id,
  username: row.username,
  email: row.email,
  isStaff: row.isStaff,
  isSuperuser: row.isSuperuser,
  isActive: row.isActive,
  country: row.country,
});

/**
 * The stored user behind a verified JWT: created on first sight, e-mail and staff flag kept in step
 * with later tokens (service-contract.md §Authentication). Steady state costs one read.
 */
export async function accountFromClaims(
  deps: Deps,
  claims: { username: string; email: string; administrator: boolean },
): Promise<UserAccount> {
  const existing = await findUserByUsername(deps.db, claims.username);
  const inStep =
    existing && existing.isStaff === claims.administrator && (!claims.email || existing.email === claims.email);
  if (existing && inStep) return toAccount(existing);
  const row = await upsertUserFromClaims(
    deps.db,
    { username: claims.username, email: claims.email, isStaff: claims.administrator },
    deps.now(),
  );
  return toAccount(row);
}
