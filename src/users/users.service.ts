import type { Deps } from '../context';
import type { TokenIdentity, UserAccount } from '../context/principal';
import { realiseAllowanceStatements } from '../enrollments/allowance-realisation.repo';
import { formatDateTime } from '../lib/datetime';
import { echo } from '../lib/echo';
import { developerError } from '../lib/errors';
import { isolateState } from '../lib/isolate-state';
import {
  findUserByUsername,
  findUserWithPreferences,
  insertRetirement,
  markAllowancesRealised,
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
 * Accounts this isolate resolved from JWTs recently, so a steady caller costs no D1 read for
 * authentication. Staleness bound: ACCOUNT_TTL_MS for changes made elsewhere (another isolate's
 * provisioning write, or a direct database change) to the flags the token does not carry
 * (superuser, active, profile country); a provisioning write handled by this isolate drops the
 * entry at once, and a token whose e-mail or staff claim differs always goes to D1.
 */
const ACCOUNT_TTL_MS = 30_000;
const MAX_CACHED_ACCOUNTS = 10_000;
const recentAccounts = isolateState(new Map<string, { account: UserAccount; expiresAt: number }>());

export const forgetAccount = (username: string) => recentAccounts.delete(username);

function remember(account: UserAccount, now: number): UserAccount {
  if (recentAccounts.size >= MAX_CACHED_ACCOUNTS) recentAccounts.clear();
  recentAccounts.set(account.username, { account, expiresAt: now + ACCOUNT_TTL_MS });
  return account;
}

/**
 * Statements that realise the account's pending auto-enroll allowances once it is usable, appended
 * to the batch that writes the user: one atomic round trip; they do nothing when nothing is pending.
 */
const allowanceRealisation = (deps: Deps, username: string) => [
  ...realiseAllowanceStatements(deps.db, username, deps.now()),
  markAllowancesRealised(deps.db, username),
];

const inStepWith = (account: Pick<UserAccount, 'email' | 'isStaff'>, claims: TokenIdentity) =>
  account.isStaff === claims.administrator && (!claims.email || account.email === claims.email);

/**
 * The stored user behind a verified JWT: created on first sight, e-mail and staff flag kept in step
 * with later tokens (docs/api/conventions.md#jit-users); creating it or changing its e-mail
 * realises the e-mail's allowances in the same batch. Steady state: no round trip (isolate cache),
 * else one read. Reached through `Deps.syncUser` (app.ts injects it), so auth/ does not import users.
 */
export async function accountFromClaims(deps: Deps, claims: TokenIdentity): Promise<UserAccount> {
  const now = deps.now();
  const cached = recentAccounts.get(claims.username);
  if (cached && cached.expiresAt > now && inStepWith(cached.account, claims)) return cached.account;
  const existing = await findUserByUsername(deps.db, claims.username);
  if (existing && inStepWith(existing, claims)) return remember(toAccount(existing), now);
  const row = await upsertUserFromClaims(
    deps.db,
    { username: claims.username, email: claims.email, isStaff: claims.administrator },
    now,
    allowanceRealisation(deps, claims.username),
  );
  return remember(toAccount(row), now);
}

// --- provisioning (docs/api/provisioning.md#users) ---

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
  developerError(404, 'user_not_found', `No user with username "${echo(username)}".`);

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
  forgetAccount(username);
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
