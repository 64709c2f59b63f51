import { describe, expect, it } from 'vitest';
import type { ModelEvaluation } from '../../src/ml/model.js';
import { correctCount, guardVerdict, splitHeldOut } from '../../src/training/feedback-guard.js';

/** An evaluation of `count` images of which `right` were read right (all wrong ones read as 0, true digit 1). */
function evaluation(right: number, count = 10000): ModelEvaluation {
  const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  confusion[0]![0] = right;
  confusion[1]![0] = count - right;
  return { dataset: 'MNIST test', count, accuracy: right / count, confusion };
}

describe('the MNIST guard of a warm start', () => {
  it('accepts a drop of 0.05 points (5 of 10,000 images) and refuses 0.06', () => {
    expect(guardVerdict({ before: evaluation(9940), after: evaluation(9935) }, null).accept).toBe(true);
    const refused = guardVerdict({ before: evaluation(9940), after: evaluation(9934) }, null);
    expect(refused.accept).toBe(false);
    expect(refused.dropPoints).toBeCloseTo(0.06, 10);
    expect(refused.message).toContain('dropped by 0.06 points, more than the 0.05 allowed');
  });

  it('names both accuracies, MNIST and the held-out corrections, before and after', () => {
    const verdict = guardVerdict(
      { before: evaluation(9940), after: evaluation(9900) },
      { before: evaluation(3, 10), after: evaluation(9, 10) },
    );
    expect(verdict.message).toContain('MNIST test 99.40% (9940/10000) -> 99.00% (9900/10000)');
    expect(verdict.message).toContain('held-out corrections 30.00% (3/10) -> 90.00% (9/10)');
    expect(guardVerdict({ before: evaluation(9900), after: evaluation(9950) }, null).accept).toBe(true);
  });

  it('counts right answers from the confusion matrix', () => {
    expect(correctCount(evaluation(9937))).toBe(9937);
  });
});

describe('splitHeldOut', () => {
  const digits = {
    count: 12,
    pixels: Uint8Array.from({ length: 12 * 784 }, (_, i) => Math.floor(i / 784)),
    labels: Uint8Array.from({ length: 12 }, (_, k) => k % 10),
  };

  it('holds every n-th digit out, the same ones every run, pictures with their labels', () => {
    const { train, heldOut } = splitHeldOut(digits, 5);
    expect([...heldOut.labels]).toEqual([4, 9]);
    expect(heldOut.pixels[0]).toBe(4);
    expect(heldOut.pixels[784]).toBe(9);
    expect(train.count).toBe(10);
    expect(train.pixels[4 * 784]).toBe(5);
  });

  it('holds nothing out with 0', () => {
    expect(splitHeldOut(digits, 0).heldOut.count).toBe(0);
    expect(splitHeldOut(digits, 0).train.count).toBe(12);
  });
});
