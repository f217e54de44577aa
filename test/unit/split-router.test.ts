import fc from 'fast-check';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { TrieRouter } from 'hono/router/trie-router';
import { describe, expect, it } from 'vitest';
import { createApp, mountAllDomains } from '../../src/app';
import { SplitRouter } from '../../src/lib/split-router';

const PROGRAMS = '/api/program_enrollments/v1/programs';
// Every domain mounted, as after a request to each (app.ts mounts them on demand).
const routes = (await mountAllDomains(createApp())).routes.map((r, i) => ({ method: r.method, path: r.path, id: i }));

/** What a router answers, in one shape for both of Hono's result formats. */
function answer(router: { match: (m: string, p: string) => unknown }, method: string, path: string) {
  const [handlers, stash] = router.match(method, path) as [
    [[number, unknown], Record<string, number | string>][],
    string[] | undefined,
  ];
  return handlers.map(([[id], params]) => ({
    id,
    params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, stash ? stash[v as number] : v])),
  }));
}

const build = <R extends { add: (m: string, p: string, h: [number, string]) => void }>(router: R) => {
  for (const r of routes) router.add(r.method, r.path, [r.id, r.path]);
  return router;
};

/** A concrete request path for a route pattern: parameters and wildcards filled from `values`. */
const concrete = (pattern: string, values: string[]) => {
  let i = 0;
  return pattern.replace(/:[A-Za-z_]+(\{[^}]*\})?|\*/g, () => values[i++ % values.length] ?? 'x');
};

describe('SplitRouter (lib/split-router.ts)', () => {
  it("the service's route table does not fit Hono's RegExpRouter as a whole (why the split exists)", () => {
    expect(() => build(new RegExpRouter<[number, string]>()).match('GET', '/health')).toThrow(/programs/);
  });

  it('outside the program subtree, the one-regex matcher accepts every route (no silent fallback)', () => {
    const outside = new RegExpRouter<[number, string]>();
    for (const r of routes) if (!r.path.startsWith(PROGRAMS)) outside.add(r.method, r.path, [r.id, r.path]);
    expect(() => outside.match('GET', '/health')).not.toThrow();
  });

  it('answers every request exactly as a single TrieRouter over the same table', () => {
    const split = build(new SplitRouter<[number, string]>([PROGRAMS]));
    const trie = build(new TrieRouter<[number, string]>());
    const value = fc.oneof(
      fc.constantFrom(
        'course-v1:edX+DemoX+Demo_Course',
        'edX/DemoX/Demo_Course',
        'bench_u0,course-v1:A+B+C',
        '5eb1d0a5-0000-4000-8000-00000000be1c',
        'enrollments',
        'readonly_access',
      ),
      fc.stringMatching(/^[A-Za-z0-9_.:+,-]{1,20}$/),
    );
    const methods = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS');
    fc.assert(
      fc.property(
        fc.constantFrom(...routes.map((r) => r.path)),
        fc.array(value, { minLength: 1, maxLength: 3 }),
        methods,
        (pattern, values, method) => {
          const path = concrete(pattern, values);
          // Paths that two different route patterns claim are covered by the next test.
          const claimedBy = new Set(
            answer(trie, method, path)
              .map((h) => routes[h.id]?.path)
              .filter((p) => !p?.includes('*')),
          );
          fc.pre(claimedBy.size <= 1);
          expect(answer(split, method, path)).toEqual(answer(trie, method, path));
        },
      ),
      { numRuns: 2000 },
    );
    for (const path of [
      '/health',
      '/api/enrollment/v1/enrollment',
      '/api/enrollment/v1/enrollment/u,c',
      '/',
      '/nope',
      `${PROGRAMS}`,
      `${PROGRAMS}/enrollments`,
      `${PROGRAMS}/x/y/z`,
    ]) {
      expect(answer(split, 'GET', path)).toEqual(answer(trie, 'GET', path));
    }
  });

  it('a path that reads both as a legacy course id and as a sub-resource goes to the sub-resource', () => {
    // `/courses/A/certificates/B`: course `A/certificates/B` (legacy org/course/run) or the
    // certificate of user B in course A. The trie router answered with both, so the course upsert,
    // registered first, won; the regex matcher answers with the more specific route only.
    const split = build(new SplitRouter<[number, string]>([PROGRAMS]));
    const [handlers] = split.match('PUT', '/api/admin/v1/courses/A/certificates/B') as unknown as [
      [[number, string]][],
    ];
    const matched = new Set(handlers.map(([[, path]]) => path));
    expect([...matched].some((p) => p.endsWith('/certificates/:username'))).toBe(true);
    expect([...matched].some((p) => /courses\/:course_id\{[^}]*\}$/.test(p))).toBe(false);
  });

  it('routes added after a match are matched too, in registration order (domains mounted on demand)', () => {
    const half = Math.floor(routes.length / 2);
    const early = new SplitRouter<[number, string]>([PROGRAMS]);
    for (const r of routes.slice(0, half)) early.add(r.method, r.path, [r.id, r.path]);
    early.match('GET', '/health');
    for (const r of routes.slice(half)) early.add(r.method, r.path, [r.id, r.path]);
    const whole = build(new SplitRouter<[number, string]>([PROGRAMS]));
    for (const r of routes) {
      const path = concrete(r.path, ['course-v1:edX+DemoX+Demo_Course', 'bench_u0']);
      for (const method of ['GET', 'POST', 'DELETE']) {
        expect(answer(early, method, path)).toEqual(answer(whole, method, path));
      }
    }
  });
});
