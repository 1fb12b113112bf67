import { describe, expect, it } from 'vitest';
import { pathWithGaps } from '../src/lib/chart';

describe('pathWithGaps', () => {
  it('lifts the pen over a missing value instead of drawing it as zero', () => {
    const d = pathWithGaps([1, 2, null, 4], (i) => i * 10, (v) => 100 - v);
    expect(d).toBe('M0.0,99.0L10.0,98.0M30.0,96.0');
  });
});
