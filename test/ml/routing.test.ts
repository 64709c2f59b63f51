import { describe, expect, it } from 'vitest';
import { readsSecondStage, topGap } from '../../src/ml/routing.js';

describe('routing to the second stage', () => {
  it('measures the lead of the best decision value over the second best, at an offset', () => {
    expect(topGap([0, 5, 1, 2, 3, 4.5, -1, 0, 0, 0])).toBe(0.5);
    expect(topGap([9, 9, 0, 3, 3, 3, 3, 3, 3, 3, 3, 7], 2)).toBe(4);
    expect(topGap([1, 1, 1, 1, 1, 1, 1, 1, 1, 1])).toBe(0);
  });

  it('reads an image exactly when the lead is under the gap (a lead equal to the gap stays with the first stage)', () => {
    const scores = [0, 2, 1, 0, 0, 0, 0, 0, 0, 0]; // lead 1
    expect(readsSecondStage(1, scores)).toBe(false);
    expect(readsSecondStage(1.0000001, scores)).toBe(true);
    expect(readsSecondStage(0, scores)).toBe(false);
    expect(readsSecondStage(Infinity, scores)).toBe(true);
  });
});
