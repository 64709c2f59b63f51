import { describe, expect, it } from 'vitest';
import { deskewAll } from '../../src/ml/deskew.js';
import { evaluateModel } from '../../src/ml/evaluate.js';
import { prepareKernelData, scaleGamma, type PolyKernel } from '../../src/ml/kernel.js';
import { createKernelRowCache, createUncachedKernelRows } from '../../src/ml/kernel-cache.js';
import { assembleModel } from '../../src/ml/model.js';
import { solveDigit, trainOneVsRest } from '../../src/ml/ovr.js';
import { mnistTest, mnistTrain } from '../helpers/mnist-subset.js';
import { trainingRecord } from '../helpers/training-record.js';

describe('one-vs-rest on MNIST subsets', () => {
  it('reaches at least 93% on 2,000 test images after training on 2,000 deskewed images', () => {
    const train = mnistTrain(2000);
    const images = deskewAll(train.images, train.count);
    const kernel: PolyKernel = { type: 'poly', degree: 4, gamma: scaleGamma(images, 784), coef0: 0 };
    const rows = createKernelRowCache(prepareKernelData(images, train.count, 784, kernel), kernel, 64 << 20);
    const solutions = trainOneVsRest(rows, train.labels, { C: 1 });
    expect(solutions.every((s) => s.converged)).toBe(true);
    // The ten problems share rows: far fewer computed than requested.
    expect(rows.stats.misses).toBeLessThan(train.count);
    expect(rows.stats.hits).toBeGreaterThan(5 * rows.stats.misses);
    const model = assembleModel({ solutions, images, kernel, deskew: true, training: trainingRecord(train.count) });
    const test = mnistTest(2000);
    const result = evaluateModel(model, test.images, test.labels, 'first 2000 test images');
    // Measured 94.3% with this code (C = 1, gamma "scale"); 93% leaves room for harmless numeric changes.
    expect(result.accuracy).toBeGreaterThan(0.93);
    // Each support vector is stored once even when several digits use it.
    const summed = solutions.reduce((a, s) => a + s.indices.length, 0);
    expect(model.supportVectorCount).toBeLessThan(summed);
    // The model fits its own data almost perfectly: all 2,000 training images, through predict's own deskewing.
    // Measured 99.4% (12 misfits at C = 1, a soft margin); well above the 94% on unseen digits.
    const fit = evaluateModel(model, train.images, train.labels, 'the 2000 training images');
    expect(fit.accuracy).toBeGreaterThan(0.985);
  });

  it('cached and uncached kernels give the same model', () => {
    const train = mnistTrain(300);
    const images = deskewAll(train.images, train.count);
    const kernel: PolyKernel = { type: 'poly', degree: 4, gamma: scaleGamma(images, 784), coef0: 0 };
    const data = prepareKernelData(images, train.count, 784, kernel);
    const a = solveDigit(createKernelRowCache(data, kernel, 1 << 30), train.labels, 3, { C: 1 });
    const b = solveDigit(createKernelRowCache(data, kernel, 0), train.labels, 3, { C: 1 });
    const c = solveDigit(createUncachedKernelRows(data, kernel), train.labels, 3, { C: 1 });
    for (const other of [b, c]) {
      expect([...other.indices]).toEqual([...a.indices]);
      expect([...other.coefficients]).toEqual([...a.coefficients]);
      expect(other.bias).toBe(a.bias);
    }
  });
});
