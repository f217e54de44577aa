import { isValidEmail } from '../lib/email';
import { splitIdentifiers, stripPython } from '../lib/identifiers';

// Pure rules of the cohort members API (docs/api/cohorts.md#members): which identifiers a request
// names, what each one does, and how a page is cut.

/** Most identifiers one add request may name (#c6), as bulk enrollment's bound. */
export const MAX_MEMBER_IDENTIFIERS = 10_000;

/** A string is split on commas and whitespace; list items are stripped. Empty ones are dropped. */
export function identifiersOf(users: string | readonly string[]): string[] {
  if (typeof users === 'string') return splitIdentifiers(users);
  return users.map(stripPython).filter((item) => item !== '');
}

export interface MatchedUser {
  id: number;
  username: string;
  email: string;
  /** The user asked to be retired. */
  retiring: boolean;
}

export interface AddInput {
  cohort: { id: number; name: string };
  identifiers: readonly string[];
  /** Users whose e-mail or username is one of the identifiers, ascending id. */
  users: readonly MatchedUser[];
  /** Each matched user's cohort in the course now. */
  cohortOf: ReadonlyMap<number, { id: number; name: string }>;
}

/** Upstream CohortUsers POST's answer: one group per outcome, identifiers in request order. */
export interface AddResult {
  success: true;
  added: { username: string; email: string }[];
  changed: { email: string; previous_cohort: string; username: string }[];
  present: string[];
  unknown: string[];
  preassigned: string[];
  invalid: string[];
}

export interface AddPlan {
  result: AddResult;
  /** Users to put in the cohort (in it or not in any cohort of the course before: moved, or added). */
  place: number[];
  /** E-mails without an account to pre-assign. */
  preassign: string[];
}

/**
 * Each identifier in order, as upstream's loop: an account by e-mail, else by username (#c5); its
 * second mention sees the first one's effect. No account: a valid e-mail is pre-assigned, other
 * text with `@` is invalid, the rest unknown. A user being retired counts as no account and their
 * e-mail is not pre-assigned.
 */
export function planAdd(input: AddInput): AddPlan {
  const byEmail = new Map<string, MatchedUser>();
  const byUsername = new Map<string, MatchedUser>();
  const retiring = new Set<string>();
  for (const user of input.users) {
    if (user.retiring) {
      retiring.add(user.email).add(user.username);
      continue;
    }
    if (!byEmail.has(user.email)) byEmail.set(user.email, user);
    byUsername.set(user.username, user);
  }
  const result: AddResult = {
    success: true,
    added: [],
    changed: [],
    present: [],
    unknown: [],
    preassigned: [],
    invalid: [],
  };
  const cohortOf = new Map(input.cohortOf);
  const place = new Set<number>();
  const preassign = new Set<string>();
  for (const identifier of input.identifiers) {
    const user = byEmail.get(identifier) ?? byUsername.get(identifier);
    if (user) {
      const before = cohortOf.get(user.id);
      if (before?.id === input.cohort.id) result.present.push(identifier);
      else if (before)
        result.changed.push({ email: user.email, previous_cohort: before.name, username: user.username });
      else result.added.push({ username: user.username, email: user.email });
      cohortOf.set(user.id, input.cohort);
      if (before?.id !== input.cohort.id) place.add(user.id);
    } else if (retiring.has(identifier)) {
      result.unknown.push(identifier);
    } else if (isValidEmail(identifier)) {
      result.preassigned.push(identifier);
      preassign.add(identifier);
    } else if (identifier.includes('@')) {
      result.invalid.push(identifier);
    } else {
      result.unknown.push(identifier);
    }
  }
  return { result, place: [...place], preassign: [...preassign] };
}

export const MEMBER_PAGE_SIZE = { fallback: 10, max: 100 };

/** DRF's `page_size`: a positive whole number, at most 100; anything else is 10. */
export function memberPageSize(raw: string | undefined): number {
  if (raw === undefined || !/^\s*\+?\d{1,15}\s*$/.test(raw)) return MEMBER_PAGE_SIZE.fallback;
  const n = Number(raw);
  return n < 1 ? MEMBER_PAGE_SIZE.fallback : Math.min(n, MEMBER_PAGE_SIZE.max);
}

/** `?page=`: a whole number (Python's `int()`), `last`, or null for anything else. Default 1. */
export function requestedPage(raw: string | undefined): number | 'last' | null {
  if (raw === undefined) return 1;
  if (raw === 'last') return 'last';
  return /^\s*[+-]?\d{1,15}\s*$/.test(raw) ? Number(raw) : null;
}

/** Django's paginator: at least one page, even when empty. */
export const pageCount = (count: number, size: number) => Math.max(1, Math.ceil(count / size));

/**
 * DRF's links: the request's absolute URL with `page` set (removed for page 1) and the query
 * re-encoded sorted by key; null where there is no such page.
 */
export function pageLink(requestUrl: string, page: number, pages: number): string | null {
  if (page < 1 || page > pages) return null;
  const url = new URL(requestUrl);
  if (page === 1) url.searchParams.delete('page');
  else url.searchParams.set('page', String(page));
  url.searchParams.sort();
  return url.toString();
}
