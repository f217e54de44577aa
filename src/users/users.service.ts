import type { UserAccount } from '../auth/principal';
import { allowanceRealisation } from '../bulk/allowances.service';
import type { Deps } from '../context';
import { formatDateTime } from '../lib/datetime';
import { developerError } from '../lib/errors';
import {
  findUserByUsername,
  findUserWithPreferences,
  insertRetirement,
  type PreferenceRow,
  type UserFields,
  type UserRow,
  upsertUser,
  upsertUserFromClaims,
} from './users.repo';

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
    allowanceRealisation(deps, claims.username),
  );
  return toAccount(row);
}

// --- provisioning (service-contract.md §Provisioning API) ---

export interface UserInput {
  email: string;
  name: string;
  is_staff: boolean;
  is_superuser: boolean;
  is_active: boolean;
  country: string | null;
  language: string | null;
}

/** The provisioning view of a user; `email_opt_in` from upstream's UserOrgTag "email-optin" ("True"/"False"). */
export function toUserResource(row: UserRow, preferences: PreferenceRow[]) {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    name: row.name,
    is_staff: row.isStaff,
    is_superuser: row.isSuperuser,
    is_active: row.isActive,
    country: row.country,
    language: row.language,
    email_opt_in: Object.fromEntries(preferences.map((p) => [p.org, p.emailOptIn === 'True'])),
  };
}

export const userNotFound = (username: string) =>
  developerError(404, 'user_not_found', `No user with username "${username}".`);

/** Idempotent upsert of a user pushed by the LMS: one D1 round trip. */
export async function putUser(deps: Deps, username: string, input: UserInput) {
  const fields: UserFields = {
    email: input.email,
    name: input.name,
    isStaff: input.is_staff,
    isSuperuser: input.is_superuser,
    isActive: input.is_active,
    country: input.country,
    language: input.language,
  };
  const { created, user, preferences } = await upsertUser(
    deps.db,
    username,
    fields,
    deps.now(),
    allowanceRealisation(deps, username),
  );
  return { created, user: toUserResource(user, preferences) };
}

export async function getUser(deps: Deps, username: string) {
  const found = await findUserWithPreferences(deps.db, username);
  if (!found) throw userNotFound(username);
  return toUserResource(found.user, found.preferences);
}

/**
 * Marks a user as being retired (upstream UserRetirementStatus). Only the request is recorded;
 * the account itself is left as it is. Repeats answer the first record.
 */
export async function retireUser(deps: Deps, username: string) {
  const { found, created, retirement } = await insertRetirement(deps.db, username, deps.now());
  if (!found || !retirement) throw userNotFound(username);
  return {
    created,
    retirement: {
      username,
      original_username: retirement.originalUsername,
      original_email: retirement.originalEmail,
      created: formatDateTime(retirement.createdAt) as string,
    },
  };
}
