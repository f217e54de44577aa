import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalUuid } from '../../src/lib/uuid';
import {
  cutPage,
  DASHBOARD_PAGE_SIZE,
  decodeIdCursor,
  encodeIdCursor,
  pageUrl,
  parsePageSize,
  STAFF_PAGE_SIZE,
} from '../../src/programs/paging';
import { programRuns } from '../../src/programs/program-catalog';

describe('id cursors', () => {
  it('round-trip and stay URL-safe', () => {
    fc.assert(
      fc.property(fc.constantFrom('n' as const, 'p' as const), fc.nat({ max: 2 ** 52 }), (direction, id) => {
        const token = encodeIdCursor({ direction, id });
        expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeIdCursor(token)).toEqual({ direction, id });
      }),
    );
  });

  it('decode anything else to null without throwing', () => {
    fc.assert(fc.property(fc.string(), (s) => void decodeIdCursor(s)));
    expect(decodeIdCursor('')).toBeNull();
    expect(decodeIdCursor('bnwxMA')).toBeNull(); // "n|10": another cursor format
  });
});

describe('parsePageSize', () => {
  it('staff lists: default 100, clamped to 1..1000', () => {
    expect(parsePageSize(undefined, STAFF_PAGE_SIZE)).toBe(100);
    expect(parsePageSize('abc', STAFF_PAGE_SIZE)).toBe(100);
    expect(parsePageSize('2.5', STAFF_PAGE_SIZE)).toBe(100);
    expect(parsePageSize('0', STAFF_PAGE_SIZE)).toBe(1);
    expect(parsePageSize('-3', STAFF_PAGE_SIZE)).toBe(1);
    expect(parsePageSize('7', STAFF_PAGE_SIZE)).toBe(7);
    expect(parsePageSize('5000', STAFF_PAGE_SIZE)).toBe(1000);
  });

  it('dashboard: default 10, at most 25, invalid → 10', () => {
    expect(parsePageSize(undefined, DASHBOARD_PAGE_SIZE)).toBe(10);
    expect(parsePageSize('0', DASHBOARD_PAGE_SIZE)).toBe(10);
    expect(parsePageSize('30', DASHBOARD_PAGE_SIZE)).toBe(25);
    expect(parsePageSize('3', DASHBOARD_PAGE_SIZE)).toBe(3);
  });

  it('always lands within the bounds', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const n = parsePageSize(raw, STAFF_PAGE_SIZE);
        expect(Number.isInteger(n) && n >= 1 && n <= 1000).toBe(true);
      }),
    );
  });
});

describe('cutPage and pageUrl', () => {
  const rows = (ids: number[]) => ids.map((id) => ({ id }));

  it('forward pages: next when more rows follow, previous after a cursor', () => {
    expect(cutPage(rows([1, 2, 3]), 2, null)).toEqual({
      rows: rows([1, 2]),
      next: { direction: 'n', id: 2 },
      previous: null,
    });
    expect(cutPage(rows([3]), 2, { direction: 'n', id: 2 })).toEqual({
      rows: rows([3]),
      next: null,
      previous: { direction: 'p', id: 3 },
    });
  });

  it('backward pages come back in ascending order', () => {
    expect(cutPage(rows([4, 3, 2]), 2, { direction: 'p', id: 5 })).toEqual({
      rows: rows([3, 4]),
      next: { direction: 'n', id: 4 },
      previous: { direction: 'p', id: 3 },
    });
  });

  it('keeps the other query parameters, sorted, with cursor first', () => {
    const url = pageUrl('http://x.test/a/b/?page_size=2&zeta=1', { direction: 'n', id: 9 });
    expect(url).toBe(`http://x.test/a/b/?cursor=${encodeIdCursor({ direction: 'n', id: 9 })}&page_size=2&zeta=1`);
    expect(pageUrl('http://x.test/', null)).toBeNull();
  });
});

describe('canonicalUuid', () => {
  it('accepts what Python uuid.UUID accepts and prints lower-case hyphenated', () => {
    fc.assert(
      fc.property(fc.uuid(), (u) => {
        expect(canonicalUuid(u.toUpperCase())).toBe(u.toLowerCase());
        expect(canonicalUuid(u.replaceAll('-', ''))).toBe(u.toLowerCase());
        expect(canonicalUuid(`{${u}}`)).toBe(u.toLowerCase());
        expect(canonicalUuid(`urn:uuid:${u}`)).toBe(u.toLowerCase());
      }),
    );
    expect(canonicalUuid('abc')).toBeNull();
    expect(canonicalUuid('')).toBeNull();
  });
});

describe('programRuns (#catalog)', () => {
  const runs = (...keys: string[]) => keys.map((key) => ({ course_runs: [{ key }] }));
  const curriculum = (isActive: boolean, keys: string[], programs: never[] = []) => ({
    uuid: 'c',
    is_active: isActive,
    courses: runs(...keys),
    programs,
  });

  it('active curriculum (first active only), top-level courses and child programs, de-duplicated', () => {
    const child = { courses: runs('CHILD-TOP'), curricula: [curriculum(true, ['CHILD-ACTIVE'])] };
    const program = {
      courses: runs('TOP', 'A'),
      curricula: [
        curriculum(false, ['INACTIVE']),
        { ...curriculum(true, ['A', 'B']), programs: [child] },
        curriculum(true, ['SECOND-ACTIVE']),
      ],
    };
    expect(programRuns(program as never)).toEqual([
      { courseId: 'A', inActiveCurriculum: true },
      { courseId: 'B', inActiveCurriculum: true },
      { courseId: 'TOP', inActiveCurriculum: false },
      { courseId: 'CHILD-ACTIVE', inActiveCurriculum: false },
      { courseId: 'CHILD-TOP', inActiveCurriculum: false },
    ]);
  });

  it('no active curriculum: only top-level runs, none writable', () => {
    expect(programRuns({ courses: runs('TOP'), curricula: [curriculum(false, ['X'])] } as never)).toEqual([
      { courseId: 'TOP', inActiveCurriculum: false },
    ]);
  });
});
