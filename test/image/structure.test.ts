import { describe, expect, it } from 'vitest';
import { inkCorrelation } from '../../src/image/structure.js';
import { mulberry32 } from '../../src/ml/rng.js';

/** The mask of '#' in rows of text. */
const mask = (rows: string[]): Uint8Array => Uint8Array.from(rows.join(''), (c) => (c === '#' ? 1 : 0));

describe('inkCorrelation', () => {
  it('scores strokes high in every direction, a 1 px diagonal included', () => {
    const bar = Array.from({ length: 12 }, (_, y) =>
      Array.from({ length: 16 }, (_, x) => (y >= 4 && y < 8 && x >= 2 && x < 14 ? '#' : '.')).join(''),
    );
    expect(inkCorrelation(mask(bar), 16, 12)).toBeGreaterThan(0.6);
    const diagonal = Array.from({ length: 12 }, (_, y) =>
      Array.from({ length: 12 }, (_, x) => (x === y ? '#' : '.')).join(''),
    );
    // Diagonal neighbours are ink, the other diagonal's are not: the mean of the two is about 0.35.
    expect(inkCorrelation(mask(diagonal), 12, 12)).toBeGreaterThan(0.3);
  });

  it('scores independent pixels about 0, at any density', () => {
    const random = mulberry32(3);
    for (const density of [0.05, 0.5, 0.8]) {
      const pixels = Uint8Array.from({ length: 100 * 100 }, () => (random() < density ? 1 : 0));
      expect(Math.abs(inkCorrelation(pixels, 100, 100))).toBeLessThan(0.05);
    }
  });

  it('is 0 for an empty or a full window, and for a single pixel', () => {
    expect(inkCorrelation(new Uint8Array(100), 10, 10)).toBe(0);
    expect(inkCorrelation(new Uint8Array(100).fill(1), 10, 10)).toBe(0);
    expect(inkCorrelation(Uint8Array.of(1), 1, 1)).toBe(0);
  });
});
