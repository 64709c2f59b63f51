import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readingConfidence } from '../../src/read/confidence.js';

describe('readingConfidence', () => {
  it('is never above the product of the digits, and falls as the search doubts its cutting more', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        (confidences, doubt, more) => {
          const product = confidences.reduce((p, c) => p * c, 1);
          const sure = readingConfidence(confidences, doubt);
          expect(sure).toBeLessThanOrEqual(product);
          expect(readingConfidence(confidences, doubt + more)).toBeLessThanOrEqual(sure);
        },
      ),
    );
  });

  it('says a clear reading is nearly sure, and a doubtfully cut one much less so', () => {
    const clear = readingConfidence([0.9999, 0.9998, 0.9999], 0.05);
    expect(clear).toBeGreaterThan(0.96);
    // The same digits, where the search read a pair by its strokes and a piece its one-digit check doubts.
    expect(readingConfidence([0.9999, 0.9998, 0.9999], 4)).toBeLessThan(0.9);
    // Doubt as deep as two skipped tall marks' (6 each) leaves less than an even chance.
    expect(readingConfidence([0.9999, 0.9998], 12)).toBeLessThan(0.5);
  });

  it('is 0 when a digit is, and counts a negative doubt as none', () => {
    expect(readingConfidence([0.99, 0], 0)).toBe(0);
    expect(readingConfidence([0.99], -3)).toBe(readingConfidence([0.99], 0));
  });
});
