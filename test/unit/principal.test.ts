import { describe, expect, it } from 'vitest';
import {
  ANONYMOUS,
  callerUsername,
  isAuthenticated,
  isGlobalStaff,
  isPrivileged,
  type Principal,
  restrictedAppAllows,
  restrictedOrgs,
  type UserAccount,
} from '../../src/context/principal';

const account = (overrides: Partial<UserAccount> = {}): UserAccount => ({
  id: 1,
  username: 'alice',
  email: 'alice@example.com',
  isStaff: false,
  isSuperuser: false,
  isActive: true,
  country: null,
  ...overrides,
});

const principal = (overrides: Partial<Principal> = {}): Principal => ({ ...ANONYMOUS, ...overrides });

describe('principal helpers', () => {
  it('anonymous: no username, not authenticated, not privileged', () => {
    expect(callerUsername(ANONYMOUS)).toBe('');
    expect(isAuthenticated(ANONYMOUS)).toBe(false);
    expect(isGlobalStaff(ANONYMOUS)).toBe(false);
    expect(isPrivileged(ANONYMOUS)).toBe(false);
  });

  it('API key alone: authenticated and privileged with the empty username', () => {
    const p = principal({ apiKey: true });
    expect(callerUsername(p)).toBe('');
    expect(isAuthenticated(p)).toBe(true);
    expect(isGlobalStaff(p)).toBe(false);
    expect(isPrivileged(p)).toBe(true);
  });

  it('a learner JWT: authenticated under its username, not privileged', () => {
    const p = principal({ user: account() });
    expect(callerUsername(p)).toBe('alice');
    expect(isAuthenticated(p)).toBe(true);
    expect(isPrivileged(p)).toBe(false);
  });

  it('global staff comes from the stored staff flag, and a restricted application never is staff', () => {
    expect(isGlobalStaff(principal({ user: account({ isStaff: true }) }))).toBe(true);
    expect(isPrivileged(principal({ user: account({ isStaff: true }) }))).toBe(true);
    expect(isGlobalStaff(principal({ user: account({ isStaff: true }), restricted: true }))).toBe(false);
    expect(isGlobalStaff(principal({ user: account({ isSuperuser: true }) }))).toBe(false);
  });

  it('restricted orgs come from content_org: filters only', () => {
    const p = principal({
      restricted: true,
      filters: ['content_org:edX', 'user:me', 'content_org:MITx', 'content_org'],
    });
    expect(restrictedOrgs(p)).toEqual(['edX', 'MITx']);
  });

  it('a restricted application needs both the scope and the org; others are not limited here', () => {
    const p = principal({
      user: account(),
      restricted: true,
      scopes: ['enrollments:read'],
      filters: ['content_org:edX'],
    });
    expect(restrictedAppAllows(p, 'edX', 'enrollments:read')).toBe(true);
    expect(restrictedAppAllows(p, 'MITx', 'enrollments:read')).toBe(false);
    expect(restrictedAppAllows(p, 'edX', 'enrollments:write')).toBe(false);
    expect(restrictedAppAllows(p, 'edx', 'enrollments:read')).toBe(false);
    expect(restrictedAppAllows(principal({ user: account() }), 'MITx', 'anything')).toBe(true);
  });
});
