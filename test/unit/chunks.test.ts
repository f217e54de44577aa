import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunk, D1_MAX_BOUND_PARAMETERS } from '../../src/lib/chunks';

describe('chunk', () => {
  it('splits in order into pieces of at most `size`', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
    expect(chunk([1, 2], 5)).toEqual([[1, 2]]);
  });

  it('keeps every item once, in order, with only the last piece shorter', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 400 }), fc.integer({ min: 1, max: 120 }), (items, size) => {
        const pieces = chunk(items, size);
        expect(pieces.flat()).toEqual(items);
        expect(pieces.length).toBe(Math.ceil(items.length / size));
        pieces.forEach((piece, i) => {
          expect(piece.length).toBeGreaterThan(0);
          if (i < pieces.length - 1) expect(piece.length).toBe(size);
          else expect(piece.length).toBeLessThanOrEqual(size);
        });
      }),
    );
  });

  it('refuses a size that is not a positive whole number instead of looping forever', () => {
    expect(() => chunk([1, 2, 3], 0)).toThrow(RangeError);
    expect(() => chunk([1, 2, 3], -1)).toThrow(RangeError);
    expect(() => chunk([1, 2, 3], 1.5)).toThrow(RangeError);
    expect(() => chunk([1, 2, 3], Number.NaN)).toThrow(RangeError);
  });

  it('stays under D1’s bound-parameter limit', () => {
    expect(D1_MAX_BOUND_PARAMETERS).toBe(100);
  });
});
