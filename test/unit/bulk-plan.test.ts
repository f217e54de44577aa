import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CourseState, type KnownUser, type PlanInput, planCourse, type State } from '../../src/bulk/bulk.plan';

// docs/api/bulk-enroll.md#processing (per-course processing, the transitions of #audit with decisions B5/B6) and #cohorts.

const COURSE = 'course-v1:Org+Plan+Run';

function user(id: number, overrides: Partial<KnownUser> = {}): KnownUser {
  return {
    id,
    username: `user${id}`,
    email: `user${id}@example.com`,
    name: `User ${id}`,
    isActive: true,
    language: null,
    ...overrides,
  };
}

interface Setup {
  users?: KnownUser[];
  enrollments?: [number, { mode: string; isActive: boolean }][];
  allowances?: [string, { autoEnroll: boolean; userId: number | null }][];
  cohortOf?: [number, string][];
  cohort?: { id: number; name: string } | null;
  retired?: string[];
  defaultMode?: string;
}

function courseState(s: Setup = {}): CourseState {
  return {
    courseId: COURSE,
    defaultMode: s.defaultMode ?? 'audit',
    enrollments: new Map(s.enrollments ?? []),
    allowances: new Map(s.allowances ?? []),
    cohortOf: new Map(s.cohortOf ?? []),
    cohort: s.cohort ?? null,
  };
}

function input(identifiers: string[], s: Setup, overrides: Partial<PlanInput> = {}): PlanInput {
  const users = s.users ?? [];
  return {
    action: 'enroll',
    autoEnroll: false,
    emailStudents: false,
    identifiers,
    userOf: (id) => users.find((u) => u.email === id) ?? users.find((u) => u.username === id) ?? null,
    retiredEmails: new Set(s.retired ?? []),
    ...overrides,
  };
}

function plan(identifiers: string[], s: Setup = {}, overrides: Partial<PlanInput> = {}) {
  return planCourse(input(identifiers, s, overrides), courseState(s));
}

const st = (user: boolean, enrollment: boolean, allowed: boolean, autoEnroll = false): State => ({
  user,
  enrollment,
  allowed,
  auto_enroll: autoEnroll,
});

describe('planCourse: enroll (#enroll, #audit)', () => {
  it('an active user not enrolled: enrolled, `from unenrolled to enrolled`', () => {
    const u = user(1);
    const p = plan([u.username], { users: [u] });
    expect(p.results).toEqual([
      { identifier: u.username, before: st(true, false, false), after: st(true, true, false) },
    ]);
    expect(p.activate).toEqual([1]);
    // The first record of an e-mail re-reads its "from" state inside the write batch (concurrency).
    expect(p.audits).toEqual([
      { email: u.email, userId: 1, transition: 'from unenrolled to enrolled', derive: 'enroll' },
    ]);
    expect(p.allowanceUpserts).toEqual([]);
    expect(p.deactivate).toEqual([]);
  });

  it('an active user already enrolled: kept as is, `from enrolled to enrolled`', () => {
    const u = user(1);
    const p = plan([u.email], { users: [u], enrollments: [[1, { mode: 'verified', isActive: true }]] });
    expect(p.results).toEqual([{ identifier: u.email, before: st(true, true, false), after: st(true, true, false) }]);
    // Listed for activation whatever was read: the write changes only a row not active at write
    // time, so an unenroll committed in between is undone, and an active row keeps its mode.
    expect(p.activate).toEqual([1]);
    expect(p.audits[0]?.transition).toBe('from enrolled to enrolled');
    expect(p.nextState.enrollments.get(1)).toEqual({ mode: 'verified', isActive: true });
  });

  it('an unenrolled user is re-activated (in the default mode, not the old one)', () => {
    const u = user(1);
    const p = plan([u.username], {
      users: [u],
      enrollments: [[1, { mode: 'verified', isActive: false }]],
      defaultMode: 'honor',
    });
    expect(p.results[0]).toMatchObject({ before: st(true, false, false), after: st(true, true, false) });
    expect(p.activate).toEqual([1]);
    expect(p.audits[0]?.transition).toBe('from unenrolled to enrolled');
    expect(p.nextState.enrollments.get(1)).toEqual({ mode: 'honor', isActive: true });
  });

  it('an active user with an allowance: enrolled, allowance kept, `from allowed to enroll to enrolled`', () => {
    const u = user(1);
    const p = plan([u.username], { users: [u], allowances: [[u.email, { autoEnroll: true, userId: null }]] });
    expect(p.results).toEqual([
      { identifier: u.username, before: st(true, false, true, true), after: st(true, true, true, true) },
    ]);
    expect(p.audits[0]?.transition).toBe('from allowed to enroll to enrolled');
    expect(p.allowanceUpserts).toEqual([]);
    expect(p.allowanceDeletes).toEqual([]);
  });

  it('auto_enroll has no effect for existing users (no allowance created)', () => {
    const u = user(1);
    const p = plan([u.username], { users: [u] }, { autoEnroll: true });
    expect(p.results[0]).toMatchObject({ after: st(true, true, false, false) });
    expect(p.allowanceUpserts).toEqual([]);
  });

  it('an allowance consumed by a different account does not count for this user', () => {
    const u = user(1);
    const p = plan([u.username], { users: [u], allowances: [[u.email, { autoEnroll: true, userId: 99 }]] });
    expect(p.results[0]).toMatchObject({ before: st(true, false, false), after: st(true, true, false) });
    expect(p.audits[0]?.transition).toBe('from unenrolled to enrolled');
  });

  it('an allowance consumed by this user counts for this user', () => {
    const u = user(1);
    const p = plan([u.username], { users: [u], allowances: [[u.email, { autoEnroll: false, userId: 1 }]] });
    expect(p.results[0]).toMatchObject({ before: st(true, false, true), after: st(true, true, true) });
  });

  it('an e-mail without account: allowance with the request auto_enroll, `from unenrolled to allowed to enroll`', () => {
    for (const autoEnroll of [false, true]) {
      const p = plan(['new@example.com'], {}, { autoEnroll });
      expect(p.results).toEqual([
        { identifier: 'new@example.com', before: st(false, false, false), after: st(false, false, true, autoEnroll) },
      ]);
      expect(p.allowanceUpserts).toEqual([{ email: 'new@example.com', autoEnroll }]);
      expect(p.audits).toEqual([
        { email: 'new@example.com', userId: null, transition: 'from unenrolled to allowed to enroll', derive: null },
      ]);
    }
  });

  it("an existing allowance's auto_enroll is overwritten by the request", () => {
    const p = plan(['new@example.com'], { allowances: [['new@example.com', { autoEnroll: true, userId: null }]] });
    expect(p.results[0]).toMatchObject({ before: st(false, false, true, true), after: st(false, false, true, false) });
    expect(p.allowanceUpserts).toEqual([{ email: 'new@example.com', autoEnroll: false }]);
  });

  it('an inactive user gets an allowance (for the account e-mail), `from unenrolled to allowed to enroll`', () => {
    const u = user(1, { isActive: false });
    const p = plan([u.username], { users: [u] }, { autoEnroll: true, emailStudents: true });
    expect(p.results).toEqual([
      { identifier: u.username, before: st(true, false, false), after: st(true, false, true, true) },
    ]);
    expect(p.activate).toEqual([]);
    expect(p.allowanceUpserts).toEqual([{ email: u.email, autoEnroll: true }]);
    expect(p.audits).toEqual([
      { email: u.email, userId: 1, transition: 'from unenrolled to allowed to enroll', derive: null },
    ]);
    expect(p.messages.map((m) => [m.kind, m.to])).toEqual([['allowed_enroll', u.email]]);
  });

  it('a retired e-mail: nothing changes, `N/A`, no message', () => {
    const p = plan(['gone@example.com'], { retired: ['gone@example.com'] }, { emailStudents: true, autoEnroll: true });
    expect(p.results).toEqual([
      { identifier: 'gone@example.com', before: st(false, false, false), after: st(false, false, false) },
    ]);
    expect(p.audits).toEqual([{ email: 'gone@example.com', userId: null, transition: 'N/A', derive: null }]);
    expect(p.allowanceUpserts).toEqual([]);
    expect(p.messages).toEqual([]);
  });

  it('invalid identifiers: `invalidIdentifier`, no audit, no message, no change', () => {
    const p = plan(['nosuchuser', 'percivaloctavius@', 'a@b'], {}, { emailStudents: true });
    expect(p.results).toEqual([
      { identifier: 'nosuchuser', invalidIdentifier: true },
      { identifier: 'percivaloctavius@', invalidIdentifier: true },
      { identifier: 'a@b', invalidIdentifier: true },
    ]);
    expect(p.audits).toEqual([]);
    expect(p.messages).toEqual([]);
    expect(p.allowanceUpserts).toEqual([]);
  });

  it("a user whose stored e-mail is not valid is an invalidIdentifier (the working e-mail is the account's)", () => {
    const u = user(1, { email: 'broken@' });
    const p = plan([u.username], { users: [u] });
    expect(p.results).toEqual([{ identifier: u.username, invalidIdentifier: true }]);
    expect(p.activate).toEqual([]);
  });

  it('messages: `enrolled_enroll` for active users (also when already enrolled), `allowed_enroll` otherwise', () => {
    const a = user(1, { language: 'fr', name: 'Ann' });
    const b = user(2);
    const p = plan(
      [a.username, b.email, 'new@example.com'],
      { users: [a, b], enrollments: [[2, { mode: 'audit', isActive: true }]] },
      { emailStudents: true },
    );
    expect(p.messages).toEqual([
      { kind: 'enrolled_enroll', to: a.email, fullName: 'Ann', language: 'fr' },
      { kind: 'enrolled_enroll', to: b.email, fullName: 'User 2', language: null },
      { kind: 'allowed_enroll', to: 'new@example.com', fullName: null, language: null },
    ]);
  });

  it('no messages without email_students', () => {
    const u = user(1);
    expect(plan([u.username, 'new@example.com'], { users: [u] }).messages).toEqual([]);
  });
});

describe('planCourse: unenroll (#unenroll, #audit)', () => {
  const unenroll = { action: 'unenroll' as const, emailStudents: true };

  it('enrolled: deactivated, `from enrolled to unenrolled`, `enrolled_unenroll`', () => {
    const u = user(1);
    const p = plan([u.username], { users: [u], enrollments: [[1, { mode: 'verified', isActive: true }]] }, unenroll);
    expect(p.results).toEqual([
      { identifier: u.username, before: st(true, true, false), after: st(true, false, false) },
    ]);
    expect(p.deactivate).toEqual([1]);
    expect(p.audits[0]?.transition).toBe('from enrolled to unenrolled');
    expect(p.messages.map((m) => m.kind)).toEqual(['enrolled_unenroll']);
    expect(p.nextState.enrollments.get(1)).toEqual({ mode: 'verified', isActive: false });
  });

  it('allowed only: allowance deleted, `from allowed to enroll to unenrolled` (B6), `allowed_unenroll`', () => {
    const p = plan(
      ['new@example.com'],
      { allowances: [['new@example.com', { autoEnroll: true, userId: null }]] },
      unenroll,
    );
    expect(p.results).toEqual([
      { identifier: 'new@example.com', before: st(false, false, true, true), after: st(false, false, false) },
    ]);
    expect(p.allowanceDeletes).toEqual(['new@example.com']);
    expect(p.audits[0]?.transition).toBe('from allowed to enroll to unenrolled');
    expect(p.messages.map((m) => [m.kind, m.to])).toEqual([['allowed_unenroll', 'new@example.com']]);
  });

  it('enrolled and allowed: both undone, two messages, `from enrolled to unenrolled`', () => {
    const u = user(1);
    const p = plan(
      [u.email],
      {
        users: [u],
        enrollments: [[1, { mode: 'audit', isActive: true }]],
        allowances: [[u.email, { autoEnroll: false, userId: null }]],
      },
      unenroll,
    );
    expect(p.results[0]).toMatchObject({ before: st(true, true, true), after: st(true, false, false) });
    expect(p.deactivate).toEqual([1]);
    expect(p.allowanceDeletes).toEqual([u.email]);
    expect(p.audits[0]?.transition).toBe('from enrolled to unenrolled');
    expect(p.messages.map((m) => m.kind)).toEqual(['enrolled_unenroll', 'allowed_unenroll']);
  });

  it('neither: a normal all-false result, `from unenrolled to unenrolled`, only no-op writes', () => {
    const u = user(1);
    const p = plan(
      [u.username, 'new@example.com'],
      { users: [u], enrollments: [[1, { mode: 'audit', isActive: false }]] },
      unenroll,
    );
    expect(p.results).toEqual([
      { identifier: u.username, before: st(true, false, false), after: st(true, false, false) },
      { identifier: 'new@example.com', before: st(false, false, false), after: st(false, false, false) },
    ]);
    expect(p.audits.map((a) => a.transition)).toEqual([
      'from unenrolled to unenrolled',
      'from unenrolled to unenrolled',
    ]);
    // Written whatever was read (they touch only active rows / existing allowances at write time),
    // so an enroll committed after this request read is undone and recorded.
    expect(p.deactivate).toEqual([1]);
    expect(p.allowanceDeletes).toEqual([u.email, 'new@example.com']);
    expect(p.audits.map((a) => a.derive)).toEqual(['unenroll', 'unenroll']);
    expect(p.messages).toEqual([]);
  });

  it('auto_enroll is ignored', () => {
    const p = plan(
      ['new@example.com'],
      { allowances: [['new@example.com', { autoEnroll: false, userId: null }]] },
      {
        ...unenroll,
        autoEnroll: true,
      },
    );
    expect(p.allowanceUpserts).toEqual([]);
    expect(p.results[0]).toMatchObject({ after: st(false, false, false) });
  });
});

describe('planCourse: duplicates see their predecessor (#fields, #processing)', () => {
  it('a user listed twice (by username and by e-mail): enrolled once, second `from enrolled to enrolled`', () => {
    const u = user(1);
    const p = plan([u.username, u.email], { users: [u] }, { emailStudents: true });
    expect(p.results).toEqual([
      { identifier: u.username, before: st(true, false, false), after: st(true, true, false) },
      { identifier: u.email, before: st(true, true, false), after: st(true, true, false) },
    ]);
    expect(p.activate).toEqual([1]);
    expect(p.audits.map((a) => a.transition)).toEqual(['from unenrolled to enrolled', 'from enrolled to enrolled']);
    // Only the first record re-reads the database; the second follows from it.
    expect(p.audits.map((a) => a.derive)).toEqual(['enroll', null]);
    expect(p.messages).toHaveLength(2);
  });

  it('a new e-mail listed twice: one allowance, the second sees it', () => {
    const p = plan(['n@example.com', 'n@example.com'], {}, { autoEnroll: true });
    expect(p.results.map((r) => 'before' in r && r.before)).toEqual([
      st(false, false, false),
      st(false, false, true, true),
    ]);
    expect(p.allowanceUpserts).toEqual([{ email: 'n@example.com', autoEnroll: true }]);
    expect(p.audits).toHaveLength(2);
  });

  it('unenroll twice: the second is `from unenrolled to unenrolled`', () => {
    const u = user(1);
    const p = plan(
      [u.username, u.username],
      { users: [u], enrollments: [[1, { mode: 'audit', isActive: true }]] },
      {
        action: 'unenroll',
      },
    );
    expect(p.audits.map((a) => a.transition)).toEqual(['from enrolled to unenrolled', 'from unenrolled to unenrolled']);
    expect(p.deactivate).toEqual([1]);
  });

  it('nextState carries the effects (a course listed twice starts from them)', () => {
    const u = user(1);
    const first = plan([u.username, 'n@example.com'], { users: [u] });
    const second = planCourse(input([u.username, 'n@example.com'], { users: [u] }), first.nextState);
    expect(second.results).toEqual([
      { identifier: u.username, before: st(true, true, false), after: st(true, true, false) },
      { identifier: 'n@example.com', before: st(false, false, true), after: st(false, false, true) },
    ]);
    expect(second.activate).toEqual([1]); // a no-op write: the row is active by then
  });

  it('property: every result is one identifier in order; audits for valid ones; a repeat sees the last after', () => {
    const users = [user(1), user(2, { isActive: false }), user(3)];
    const pool = [
      'user1',
      'user1@example.com',
      'user2',
      'user3@example.com',
      'new1@example.com',
      'new2@example.com',
      'retired@example.com',
      'nosuch',
      'bad@',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pool), { maxLength: 25 }),
        fc.constantFrom('enroll' as const, 'unenroll' as const),
        fc.boolean(),
        fc.boolean(),
        (ids, action, autoEnroll, enrolledBefore) => {
          const setup: Setup = {
            users,
            retired: ['retired@example.com'],
            enrollments: enrolledBefore ? [[3, { mode: 'verified', isActive: true }]] : [],
            allowances: [['new2@example.com', { autoEnroll: true, userId: null }]],
          };
          const p = plan(ids, setup, { action, autoEnroll });
          expect(p.results.map((r) => r.identifier)).toEqual(ids);
          const valid = p.results.filter((r) => 'before' in r);
          expect(p.audits).toHaveLength(valid.length);
          const lastAfter = new Map<string, State>();
          for (const [i, r] of p.results.entries()) {
            if (!('before' in r)) continue;
            const email = p.audits[valid.indexOf(r)]?.email as string;
            const seen = lastAfter.get(email);
            if (seen) expect(r.before, `#${i} ${r.identifier}`).toEqual(seen);
            lastAfter.set(email, r.after);
          }
        },
      ),
    );
  });
});

describe('planCourse: cohorts (#cohorts)', () => {
  const cohort = { id: 7, name: 'cohortA' };

  it('no cohort paired: no result has cohort keys', () => {
    const u = user(1);
    const p = plan([u.username, 'n@example.com'], { users: [u] });
    for (const r of p.results) {
      if ('before' in r) {
        expect(r.before).not.toHaveProperty('cohort');
        expect(r.after).not.toHaveProperty('cohort');
      }
    }
    expect(p.memberships).toEqual([]);
    expect(p.preassignments).toEqual([]);
  });

  it('a registered user without cohort: moved in, before null, after the name', () => {
    const u = user(1);
    const p = plan([u.username], { users: [u], cohort });
    expect(p.results[0]).toEqual({
      identifier: u.username,
      before: { ...st(true, false, false), cohort: null },
      after: { ...st(true, true, false), cohort: 'cohortA' },
    });
    expect(p.memberships).toEqual([{ userId: 1, cohortId: 7 }]);
  });

  it('a user in another cohort of the course: moved, before is the old cohort', () => {
    const u = user(1);
    const p = plan([u.username], { users: [u], cohort, cohortOf: [[1, 'cohortB']] });
    expect(p.results[0]).toMatchObject({ before: { cohort: 'cohortB' }, after: { cohort: 'cohortA' } });
    expect(p.memberships).toEqual([{ userId: 1, cohortId: 7 }]);
  });

  it('a user already in that cohort: no change, before is the cohort name', () => {
    const u = user(1);
    const p = plan([u.username], {
      users: [u],
      cohort,
      cohortOf: [[1, 'cohortA']],
      enrollments: [[1, { mode: 'audit', isActive: true }]],
    });
    expect(p.results[0]).toMatchObject({ before: { cohort: 'cohortA' }, after: { cohort: 'cohortA' } });
    expect(p.memberships).toEqual([]);
  });

  it('an e-mail without account: pre-assigned, before null', () => {
    const p = plan(['n@example.com'], { cohort });
    expect(p.results[0]).toMatchObject({ before: { cohort: null }, after: { allowed: true, cohort: 'cohortA' } });
    expect(p.preassignments).toEqual([{ email: 'n@example.com', cohortId: 7 }]);
    expect(p.memberships).toEqual([]);
  });

  it('invalid identifiers and results with neither enrollment nor allowance after get no cohort keys', () => {
    const p = plan(['nosuch', 'gone@example.com'], { cohort, retired: ['gone@example.com'] });
    expect(p.results[0]).toEqual({ identifier: 'nosuch', invalidIdentifier: true });
    expect(p.results[1]).toEqual({
      identifier: 'gone@example.com',
      before: st(false, false, false),
      after: st(false, false, false),
    });
    expect(p.preassignments).toEqual([]);
  });

  it('a duplicate sees the cohort its predecessor set', () => {
    const u = user(1);
    const p = plan([u.username, u.email], { users: [u], cohort, cohortOf: [[1, 'cohortB']] });
    expect(p.results.map((r) => 'before' in r && r.before.cohort)).toEqual(['cohortB', 'cohortA']);
    expect(p.memberships).toEqual([{ userId: 1, cohortId: 7 }]);
  });

  it('an inactive user who got an allowance is moved into the cohort (registered user)', () => {
    const u = user(1, { isActive: false });
    const p = plan([u.username], { users: [u], cohort });
    expect(p.results[0]).toMatchObject({ after: { allowed: true, cohort: 'cohortA' } });
    expect(p.memberships).toEqual([{ userId: 1, cohortId: 7 }]);
    expect(p.preassignments).toEqual([]);
  });
});
