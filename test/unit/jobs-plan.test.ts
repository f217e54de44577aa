import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Result, State } from '../../src/bulk/bulk.plan';
import {
  BUCKETS,
  bucketOf,
  chunkAddress,
  countResults,
  loadResult,
  sliceIdentifiers,
  storeResult,
} from '../../src/jobs/jobs.plan';

// Pure rules of docs/api/bulk-jobs.md: slices, chunk addresses, compact results, counts buckets (J4, J5).

const state = fc.record({
  user: fc.boolean(),
  enrollment: fc.boolean(),
  allowed: fc.boolean(),
  auto_enroll: fc.boolean(),
});
const cohort = fc.option(fc.string({ maxLength: 8 }), { nil: null });
const result: fc.Arbitrary<Result> = fc.oneof(
  fc.record({ identifier: fc.string(), before: state, after: state }),
  fc
    .record({ identifier: fc.string(), before: state, after: state, b: cohort, a: cohort })
    .map(({ b, a, ...r }) => ({ ...r, before: { ...r.before, cohort: b }, after: { ...r.after, cohort: a } })),
  fc.record({ identifier: fc.string(), invalidIdentifier: fc.constant(true as const) }),
  fc.record({ identifier: fc.string(), error: fc.constant(true as const) }),
);

const s = (user: boolean, enrollment: boolean, allowed: boolean): State => ({
  user,
  enrollment,
  allowed,
  auto_enroll: false,
});

describe('bulk job plan', () => {
  it('a stored result loads back as the sync result it was, cohort keys included', () => {
    fc.assert(
      fc.property(result, (r) => {
        expect(loadResult(storeResult(r))).toEqual(r);
      }),
    );
  });

  it('slices keep order, and respect both the count and the byte bound', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 40 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 30 }),
        (ids, max) => {
          const slices = sliceIdentifiers(ids, max, 200);
          expect(slices.flat()).toEqual(ids);
          for (const slice of slices) {
            expect(slice.length).toBeGreaterThan(0);
            expect(slice.length).toBeLessThanOrEqual(max);
            if (slice.length > 1)
              expect(new TextEncoder().encode(JSON.stringify(slice)).length).toBeLessThanOrEqual(200);
          }
        },
      ),
    );
  });

  it('chunk k applies slice k mod slices to course ⌊k / slices⌋', () => {
    expect([0, 1, 2, 3, 4, 5].map((k) => chunkAddress(k, 3))).toEqual([
      { course: 0, slice: 0 },
      { course: 0, slice: 1 },
      { course: 0, slice: 2 },
      { course: 1, slice: 0 },
      { course: 1, slice: 1 },
      { course: 1, slice: 2 },
    ]);
  });

  it('each pair is in exactly one bucket, so the counts add up', () => {
    fc.assert(
      fc.property(fc.array(result, { maxLength: 50 }), (results) => {
        const counts = countResults(results);
        expect(BUCKETS.reduce((sum, b) => sum + counts[b], 0)).toBe(results.length);
      }),
    );
  });

  it.each([
    ['enrolled', s(true, false, true), s(true, true, true)],
    ['unenrolled', s(true, true, true), s(true, false, false)],
    ['unenrolled', s(false, false, true), s(false, false, false)],
    ['allowed', s(false, false, false), s(false, false, true)],
    ['unchanged', s(true, true, false), s(true, true, false)],
    ['unchanged', s(false, false, false), s(false, false, false)],
  ])('%s: %j → %j (J5)', (bucket, before, after) => {
    expect(bucketOf({ identifier: 'x', before, after })).toBe(bucket);
  });

  it('an invalid identifier is invalid', () => {
    expect(bucketOf({ identifier: 'x@', invalidIdentifier: true })).toBe('invalid');
  });
});
