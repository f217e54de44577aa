/** The stored account behind a verified JWT. */
export interface UserAccount {
  id: number;
  username: string;
  email: string;
  isStaff: boolean;
  isSuperuser: boolean;
  isActive: boolean;
  country: string | null;
}

/** What a verified token says about its user: enough to create or update the stored account. */
export interface TokenIdentity {
  username: string;
  email: string;
  /** JWT claim `administrator`: global staff. */
  administrator: boolean;
}

/**
 * Who is calling. A request may carry a JWT, a valid `X-Edx-Api-Key`, both or neither
 * (docs/api/conventions.md#authentication).
 */
export interface Principal {
  user: UserAccount | null;
  /** A valid `X-Edx-Api-Key` came with the request (trusted server-to-server call). */
  apiKey: boolean;
  /**
   * A valid `X-Edx-Api-Key` came with the request, also where the key grants nothing (JWT-only
   * endpoints such as bulk enroll): such a request is never throttled (docs/api/enrollments.md#throttling).
   */
  unthrottled: boolean;
  /** JWT claim `is_restricted`: a restricted application acting for a user. */
  restricted: boolean;
  scopes: readonly string[];
  filters: readonly string[];
  /**
   * The JWT came from the browser's JWT cookie pair, not `Authorization`: unsafe methods then need
   * the CSRF token (docs/api/browser-clients.md#csrf).
   */
  viaCookies: boolean;
}

export const ANONYMOUS: Principal = {
  user: null,
  apiKey: false,
  unthrottled: false,
  restricted: false,
  scopes: [],
  filters: [],
  viaCookies: false,
};

/** Username of the caller as upstream sees it: `""` for an API-key-only call. */
export const callerUsername = (p: Principal): string => p.user?.username ?? '';

export const isAuthenticated = (p: Principal): boolean => p.user !== null || p.apiKey;

/** Global staff: JWT claim `administrator: true` (kept in step on the stored user). */
export const isGlobalStaff = (p: Principal): boolean => p.user?.isStaff === true && !p.restricted;

/** API key or global staff: the callers the enrollment spec calls "privileged". */
export const isPrivileged = (p: Principal): boolean => p.apiKey || isGlobalStaff(p);

/** Orgs a restricted application may act in, from its `content_org:<org>` filters. */
export const restrictedOrgs = (p: Principal): string[] =>
  p.filters.filter((f) => f.startsWith('content_org:')).map((f) => f.slice('content_org:'.length));

/**
 * Whether a restricted application may act on content of `org` with `scope`. Unrestricted callers
 * are not limited here (their rights come from the endpoint's own rules).
 */
export function restrictedAppAllows(p: Principal, org: string, scope: string): boolean {
  if (!p.restricted) return true;
  return p.scopes.includes(scope) && restrictedOrgs(p).includes(org);
}
