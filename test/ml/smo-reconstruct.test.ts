import { describe, expect, it } from 'vitest';
import { deskewAll } from '../../src/ml/deskew.js';
import { prepareKernelData, scaleGamma, type PolyKernel } from '../../src/ml/kernel.js';
import { createKernelRowCache, createUncachedKernelRows } from '../../src/ml/kernel-cache.js';
import { mulberry32 } from '../../src/ml/rng.js';
import { unshrinkAll } from '../../src/ml/smo-shrink.js';
import { FREE, initialState, LOWER, sideOf, UPPER } from '../../src/ml/smo-state.js';
import type { KernelRows } from '../../src/ml/smo-types.js';
import { mnistTrain } from '../helpers/mnist-subset.js';

/**
 * The gradient's reconstruction reads four free rows a pass when the row source holds enough rows (heldRows), one
 * row a pass otherwise; both must give every inactive variable's gradient to the bit, in the order of the free
 * variables, as a plain sum does.
 */
describe("the gradient's reconstruction", () => {
  it('gives the same gradient to the bit four rows a pass as one row a pass, and as the plain sum', () => {
    const train = mnistTrain(200);
    const images = deskewAll(train.images, train.count);
    const k: PolyKernel = { type: 'poly', degree: 4, gamma: scaleGamma(images, 784), coef0: 0 };
    const kd = prepareKernelData(images, train.count, 784, k);
    const n = train.count;
    const y = Int8Array.from(train.labels, (l) => (l < 5 ? 1 : -1));
    const random = mulberry32(25);
    // A point midway through a solve: every status present, 31 free variables (seven passes of four and three
    // left), a third of the variables active.
    const C = 2;
    const alpha = Float64Array.from({ length: n }, (_, t) =>
      t % 6 === 0 ? C * (0.05 + 0.9 * random()) : t % 6 === 1 ? C : 0,
    );
    const active = Int32Array.from({ length: n }, (_, t) => t).filter((t) => t % 3 !== 2);
    const free = Array.from(active).filter((t) => alpha[t]! > 0 && alpha[t]! < C);
    expect(free.length % 4).not.toBe(0);
    expect(free.length).toBeGreaterThan(8);
    const gradientOf = (rows: KernelRows): Float64Array => {
      const s = initialState(rows, y, C, 1e-3);
      s.alpha.set(alpha);
      for (let t = 0; t < n; t++) {
        s.status[t] = alpha[t]! >= C ? UPPER : alpha[t]! <= 0 ? LOWER : FREE;
        s.side[t] = sideOf(y[t]!, s.status[t]!);
        s.Gbar[t] = (t % 5) / 7;
      }
      s.active.set(active);
      s.activeSize = active.length;
      unshrinkAll(s);
      return s.G;
    };
    const uncached = createUncachedKernelRows(kd, k);
    const cached = createKernelRowCache(kd, k, 64 * 4 * n);
    expect(uncached.heldRows).toBeUndefined();
    expect(cached.heldRows).toBeGreaterThanOrEqual(8);
    const oneByOne = gradientOf(uncached);
    const fourByFour = gradientOf(cached);
    // The plain sum, free variable by free variable in index order, for the inactive ones.
    const expected = new Float64Array(n).fill(-1);
    for (let t = 0; t < n; t++) {
      if (t % 3 !== 2) continue;
      let g = (t % 5) / 7 - 1;
      for (const i of free) g = g + alpha[i]! * y[i]! * y[t]! * uncached.row(i)[t]!;
      expected[t] = g;
    }
    let compared = 0;
    for (let t = 0; t < n; t++) {
      if (t % 3 !== 2) continue;
      expect(fourByFour[t]).toBe(expected[t]);
      expect(oneByOne[t]).toBe(expected[t]);
      compared++;
    }
    expect(compared).toBeGreaterThan(60);
  });
});
