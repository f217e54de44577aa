import type { Result, State } from '../bulk/bulk.plan';

// Pure rules of docs/api/bulk-jobs.md: how a job's input is cut into stored slices and chunks, how
// a pair's result is stored compactly, and which `counts` bucket it falls in.

/**
 * Largest slice of identifiers stored in one row, as JSON. A slice is also one chunk's input, read
 * back as one bound parameter: D1 refuses longer strings (see db/json-rows.ts).
 */
export const MAX_SLICE_BYTES = 200 * 1024;

/** Identifiers in order, in slices of at most `maxCount` items and `maxBytes` of JSON. */
export function sliceIdentifiers(identifiers: readonly string[], maxCount: number, maxBytes = MAX_SLICE_BYTES) {
  const encoder = new TextEncoder();
  const slices: string[][] = [];
  let slice: string[] = [];
  let bytes = 2;
  for (const identifier of identifiers) {
    const size = encoder.encode(JSON.stringify(identifier)).length + 1;
    if (slice.length > 0 && (slice.length >= maxCount || bytes + size > maxBytes)) {
      slices.push(slice);
      slice = [];
      bytes = 2;
    }
    slice.push(identifier);
    bytes += size;
  }
  if (slice.length > 0) slices.push(slice);
  return slices;
}

/** Chunk `k` applies stored slice `k % slices` to the job's course number `floor(k / slices)`. */
export const chunkAddress = (chunk: number, slices: number) => ({
  course: Math.floor(chunk / slices),
  slice: chunk % slices,
});

export const BUCKETS = ['enrolled', 'unenrolled', 'allowed', 'unchanged', 'invalid'] as const;
export type Bucket = (typeof BUCKETS)[number];
export type Counts = Record<Bucket, number>;

export const emptyCounts = (): Counts => ({ enrolled: 0, unenrolled: 0, allowed: 0, unchanged: 0, invalid: 0 });

/**
 * Exactly one bucket per pair: a change of enrollment first, then a withdrawn or new allowance;
 * anything that left the pair as it was is `unchanged`. An `error` result counts as `invalid`.
 */
export function bucketOf(result: Result): Bucket {
  if (!('before' in result)) return 'invalid';
  const { before, after } = result;
  if (after.enrollment && !before.enrollment) return 'enrolled';
  if ((before.enrollment && !after.enrollment) || (before.allowed && !after.allowed)) return 'unenrolled';
  if (after.allowed && !before.allowed) return 'allowed';
  return 'unchanged';
}

export function countResults(results: readonly Result[]): Counts {
  const counts = emptyCounts();
  for (const result of results) counts[bucketOf(result)] += 1;
  return counts;
}

/**
 * A stored result: `[identifier, -1]` invalid, `[identifier, -2]` error, otherwise
 * `[identifier, bits]` with the eight booleans of before/after as bits, plus both cohorts when the
 * result has cohort keys. A tenth of the sync endpoint's JSON, so a million results stay small.
 */
export type StoredResult = [string, number] | [string, number, string | null, string | null];

const STATE_KEYS = ['user', 'enrollment', 'allowed', 'auto_enroll'] as const;
const INVALID = -1;
const ERROR = -2;

const stateBits = (state: State, shift: number) =>
  STATE_KEYS.reduce((bits, key, i) => bits | (state[key] ? 1 << (i + shift) : 0), 0);

export function storeResult(result: Result): StoredResult {
  if ('invalidIdentifier' in result) return [result.identifier, INVALID];
  if ('error' in result) return [result.identifier, ERROR];
  const bits = stateBits(result.before, 0) | stateBits(result.after, 4);
  if (result.after.cohort === undefined) return [result.identifier, bits];
  return [result.identifier, bits, result.before.cohort ?? null, result.after.cohort ?? null];
}

function stateOf(bits: number, shift: number, cohort: string | null | undefined): State {
  const bit = (i: number) => (bits & (1 << (i + shift))) !== 0;
  const state: State = { user: bit(0), enrollment: bit(1), allowed: bit(2), auto_enroll: bit(3) };
  if (cohort !== undefined) state.cohort = cohort;
  return state;
}

export function loadResult(stored: StoredResult): Result {
  const [identifier, code] = stored;
  if (code === INVALID) return { identifier, invalidIdentifier: true };
  if (code === ERROR) return { identifier, error: true };
  const withCohort = stored.length === 4;
  return {
    identifier,
    before: stateOf(code, 0, withCohort ? stored[2] : undefined),
    after: stateOf(code, 4, withCohort ? stored[3] : undefined),
  };
}
