import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AddInput,
  identifiersOf,
  type MatchedUser,
  memberPageSize,
  pageLink,
  planAdd,
  requestedPage,
} from '../../src/cohorts/members.plan';

// Pure rules of docs/api/cohorts.md#members.

const TARGET = { id: 1, name: 'Target' };
const OTHER = { id: 2, name: 'Other' };
const USERS: MatchedUser[] = [
  { id: 10, username: 'ann', email: 'ann@example.com', retiring: false },
  { id: 11, username: 'bob', email: 'bob@example.com', retiring: false },
  { id: 12, username: 'cat', email: 'cat@example.com', retiring: false },
  { id: 13, username: 'old', email: 'old@example.com', retiring: true },
];
const POOL = [...USERS.flatMap((u) => [u.username, u.email]), 'new@example.com', 'nobody', 'foo@bar'];

const input = (identifiers: string[], cohortOf = new Map<number, { id: number; name: string }>()): AddInput => ({
  cohort: TARGET,
  identifiers,
  users: USERS,
  cohortOf,
});

describe('identifiersOf', () => {
  it('splits a string on commas and whitespace; strips list items and drops empty ones', () => {
    expect(identifiersOf('a, b\nc\r\n\td  ,,')).toEqual(['a', 'b', 'c', 'd']);
    expect(identifiersOf([' a ', '', '\u3000', 'b c', 'a,b'])).toEqual(['a', 'b c', 'a,b']);
  });
});

describe('planAdd (#c5)', () => {
  it('places each user once, moving from another cohort, and words each identifier', () => {
    const plan = planAdd(input(['bob@example.com', 'ann', 'ann@example.com', 'cat'], new Map([[10, OTHER]])));
    expect(plan.result.changed).toEqual([{ email: 'ann@example.com', previous_cohort: 'Other', username: 'ann' }]);
    expect(plan.result.added.map((a) => a.username)).toEqual(['bob', 'cat']);
    expect(plan.result.present).toEqual(['ann@example.com']);
    expect(plan.place.sort()).toEqual([10, 11, 12]);
  });

  it('an e-mail match wins over a username match; retiring users are unknown, never pre-assigned', () => {
    const users: MatchedUser[] = [
      { id: 1, username: 'x@example.com', email: 'x2@example.com', retiring: false },
      { id: 2, username: 'x', email: 'x@example.com', retiring: false },
    ];
    const plan = planAdd({ ...input(['x@example.com', 'old', 'old@example.com']), users: [...users, ...USERS] });
    expect(plan.result.added).toEqual([{ username: 'x', email: 'x@example.com' }]);
    expect(plan.result.unknown).toEqual(['old', 'old@example.com']);
    expect(plan.preassign).toEqual([]);
  });

  it('every identifier lands in exactly one group; a repeat of the same request changes nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...POOL), { maxLength: 20 }),
        fc.subarray([10, 11, 12]),
        (identifiers, inOther) => {
          const before = new Map(inOther.map((id) => [id, OTHER]));
          const { result, place, preassign } = planAdd(input(identifiers, before));
          const grouped =
            result.added.length +
            result.changed.length +
            result.present.length +
            result.unknown.length +
            result.preassigned.length +
            result.invalid.length;
          expect(grouped).toBe(identifiers.length);
          expect(new Set(place).size).toBe(place.length);
          expect(new Set(preassign).size).toBe(preassign.length);
          const after = new Map(before);
          for (const id of place) after.set(id, TARGET);
          const again = planAdd(input(identifiers, after));
          expect(again.place).toEqual([]);
          expect(again.result.added).toEqual([]);
          expect(again.result.changed).toEqual([]);
        },
      ),
    );
  });
});

describe('paging (#list)', () => {
  it('reads page_size and page as DRF and Django do', () => {
    expect([undefined, '0', '-3', 'x', '2.5', '7', ' 8 ', '+9', '250'].map(memberPageSize)).toEqual([
      10, 10, 10, 10, 10, 7, 8, 9, 100,
    ]);
    expect([undefined, 'last', '3', ' 2 ', '-1', 'abc', '1.0', 'Last'].map(requestedPage)).toEqual([
      1,
      'last',
      3,
      2,
      -1,
      null,
      null,
      null,
    ]);
  });

  it('links pages with the query sorted, page 1 without `page`', () => {
    const url = 'https://x.test/a/users?z=1&page_size=2&page=2';
    expect(pageLink(url, 3, 3)).toBe('https://x.test/a/users?page=3&page_size=2&z=1');
    expect(pageLink(url, 1, 3)).toBe('https://x.test/a/users?page_size=2&z=1');
    expect(pageLink(url, 4, 3)).toBeNull();
    expect(pageLink(url, 0, 3)).toBeNull();
  });
});
