import { describe, expect, it } from 'vitest';
import { niceTicks, pathWithGaps } from '../src/lib/chart';

describe('pathWithGaps', () => {
  it('lifts the pen over a missing value instead of drawing it as zero', () => {
    const d = pathWithGaps([1, 2, null, 4], (i) => i * 10, (v) => 100 - v);
    expect(d).toBe('M0.0,99.0L10.0,98.0M30.0,96.0');
  });
});

describe('niceTicks', () => {
  it('gives round steps from zero that cover the largest value', () => {
    expect(niceTicks(380_000_000, 4)).toEqual([0, 100_000_000, 200_000_000, 300_000_000, 400_000_000]);
    expect(niceTicks(7, 4)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(1, 4)).toEqual([0, 0.5, 1]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});
