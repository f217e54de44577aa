import { env } from 'cloudflare:test';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODE_FALLBACK, DEFAULT_MODE_PREFERENCE, defaultModeSlug } from '../../src/enrollments/course-modes';
import { defaultModeSql, stateSql, transitionSql } from '../../src/enrollments/enrollment-writes.repo';
import {
  ENROLLMENT_STATE,
  type EnrollmentState,
  stateOf,
  targetState,
  transition,
} from '../../src/enrollments/transitions';
import { createCourse, uniqueCourseId } from '../helpers/fixtures';

// The audit trail's transition rule (transitions.ts) and the default-mode rule (course-modes.ts)
// exist once in TypeScript; their SQL forms (enrollment-writes.repo.ts) are built from the same
// constants. Here both forms are evaluated, the SQL one by the real local D1, and compared.

const db = drizzle(env.DB);

async function evaluate(expression: SQL): Promise<unknown> {
  const row = await db.get<{ v: unknown }>(sql`select ${expression} as v`);
  return row?.v;
}

const STATES = Object.values(ENROLLMENT_STATE) as EnrollmentState[];
const BITS = [0, 1] as const;

const transitionCases = BITS.flatMap((active) =>
  BITS.flatMap((allowed) => STATES.map((target) => ({ active, allowed, target }))),
);

describe('stateSql / transitionSql = stateOf / transition', () => {
  it('covers every (active, allowed) pair and every target state', () => {
    expect(transitionCases).toHaveLength(4 * 3);
  });

  it.each(transitionCases)('active=$active allowed=$allowed → $target', async ({ active, allowed, target }) => {
    const from = stateSql(sql`${active} = 1`, sql`${allowed} = 1`);
    const expected = transition(stateOf({ active: active === 1, allowed: allowed === 1 }), target);
    expect(await evaluate(transitionSql(from, target))).toBe(expected);
    // The "to" side given as SQL (as writeEnrollmentStates does) reads the same.
    expect(await evaluate(transitionSql(from, sql`${target}`))).toBe(expected);
  });

  it.each(BITS)('the activation flag %i: stateSql without allowance = targetState = stateOf', async (isActive) => {
    const state = await evaluate(stateSql(sql`${isActive} = 1`));
    expect(state).toBe(targetState(isActive === 1));
    expect(state).toBe(stateOf({ active: isActive === 1 }));
  });

  it.each(BITS.flatMap((a) => BITS.map((b) => ({ from: a, to: b }))))(
    'an activation change $from → $to reads the same in SQL',
    async ({ from, to }) => {
      const sqlForm = transitionSql(stateSql(sql`${from} = 1`), stateSql(sql`${to} = 1`));
      expect(await evaluate(sqlForm)).toBe(transition(stateOf({ active: from === 1 }), targetState(to === 1)));
    },
  );
});

// ---- the default mode ----

const SLUGS = ['audit', 'honor', 'verified', 'credit', 'professional', 'masters'] as const;
const DAY = 86_400_000;

/** A mode list for one course (slugs unique, as course_modes requires), expirations relative to now. */
const modesArb = fc.uniqueArray(
  fc.record({
    slug: fc.constantFrom(...SLUGS),
    offset: fc.option(fc.constantFrom(-DAY, -1, 0, 1, DAY), { nil: null }),
  }),
  { selector: (m) => m.slug, maxLength: SLUGS.length },
);

async function bothForms(spec: { slug: string; offset: number | null }[], now: number) {
  const course = await createCourse({
    id: uniqueCourseId('Audit'),
    modes: spec.map((m) => ({ slug: m.slug, expirationAt: m.offset === null ? null : now + m.offset })),
  });
  return {
    sql: await evaluate(defaultModeSql(sql`${course.id}`, now)),
    ts: defaultModeSlug(course.modes, now),
  };
}

describe('defaultModeSql = defaultModeSlug', () => {
  it('the generated slugs include every preferred slug and the fallback', () => {
    for (const slug of [...DEFAULT_MODE_PREFERENCE, DEFAULT_MODE_FALLBACK]) expect(SLUGS).toContain(slug);
  });

  const now = Date.UTC(2024, 5, 1, 12);
  it.each([
    { name: 'no modes → the fallback', modes: [] },
    { name: 'only non-preferred modes → the fallback', modes: [{ slug: 'verified', offset: null }] },
    {
      name: 'the first preferred, whatever the order',
      modes: [
        { slug: 'honor', offset: null },
        { slug: 'audit', offset: DAY },
      ],
    },
    {
      name: 'an expired preferred mode is skipped',
      modes: [
        { slug: 'audit', offset: -1 },
        { slug: 'honor', offset: null },
      ],
    },
    {
      name: 'expiring exactly now still counts',
      modes: [
        { slug: 'honor', offset: 0 },
        { slug: 'audit', offset: -DAY },
      ],
    },
    {
      name: 'every preferred mode expired → the fallback',
      modes: [
        { slug: 'honor', offset: -1 },
        { slug: 'audit', offset: -1 },
      ],
    },
  ])('$name', async ({ modes }) => {
    const { sql: fromSql, ts } = await bothForms(modes, now);
    expect(fromSql).toBe(ts);
  });

  it('property: for random mode lists and times, both forms agree', async () => {
    await fc.assert(
      fc.asyncProperty(
        modesArb,
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
        async (spec, now) => {
          const { sql: fromSql, ts } = await bothForms(spec, now);
          expect(fromSql).toBe(ts);
        },
      ),
      { numRuns: 50 },
    );
  });
});
