import { describe, expect, it } from 'vitest';
import { chooseGap, scoreGaps, secondStageTemperature } from '../../src/training/second-stage-fit.js';

/** Ten scores with `digit` leading the next by `lead`. */
const scores = (digit: number, lead: number): number[] =>
  Array.from({ length: 10 }, (_, c) => (c === digit ? lead : c === (digit + 1) % 10 ? 0 : -5));

describe('routing gap fitted on validation scores', () => {
  // Image 0: the first stage is wrong and unsure, the second right; image 1: the first right and sure, the second
  // wrong; image 2: both right, the first unsure.
  const labels = Uint8Array.from([3, 4, 5]);
  const first = [scores(2, 0.5), scores(4, 3), scores(5, 1)];
  const second = [scores(3, 2), scores(0, 2), scores(5, 2)];

  it('counts the answers of whichever stage reads each image, and the share routed', () => {
    const results = scoreGaps(first, second, labels, [0, 0.75, 2, 4]);
    expect(results.map((r) => r.accuracy)).toEqual([2 / 3, 1, 1, 2 / 3]);
    expect(results.map((r) => r.routedShare)).toEqual([0, 1 / 3, 2 / 3, 1]);
  });

  it('chooses the most accurate gap, and of equals the one that routes fewest', () => {
    expect(chooseGap(scoreGaps(first, second, labels, [0, 0.75, 2, 4])).gap).toBe(0.75);
    expect(() => chooseGap([])).toThrow();
  });

  it('fits the second stage temperature on all images when too few are routed, and says so', () => {
    const t = secondStageTemperature(first, second, labels, 0.75);
    expect(t.fittedOn).toMatch(/3 validation images \(all\)/);
    expect(t.temperature).toBeGreaterThan(0);
  });
});
