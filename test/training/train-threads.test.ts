import { describe, expect, it } from 'vitest';
import { deskewAll } from '../../src/ml/deskew.js';
import { wasmSimdAvailable } from '../../src/ml/engine/wasm-engine.js';
import { prepareKernelData, scaleGamma, type PolyKernel } from '../../src/ml/kernel.js';
import { createKernelRowCache } from '../../src/ml/kernel-cache.js';
import { trainOneVsRest } from '../../src/ml/ovr.js';
import {
  allocateRowArenas,
  longestFirst,
  trainOneVsRestThreaded,
  type TrainEvent,
} from '../../src/training/train-threads.js';
import { mnistTrain } from '../helpers/mnist-subset.js';

/** 600 deskewed MNIST digits, their kernel and the single-thread solutions (JavaScript rows, one large cache). */
function sixHundredDigits() {
  const train = mnistTrain(600);
  const images = deskewAll(train.images, train.count);
  const kernel: PolyKernel = { type: 'poly', degree: 4, gamma: scaleGamma(images, 784), coef0: 0 };
  const reference = trainOneVsRest(
    createKernelRowCache(prepareKernelData(images, train.count, 784, kernel), kernel, 1 << 30),
    train.labels,
    { C: 1 },
  );
  return { train, images, kernel, reference };
}

describe('threaded one-vs-rest trainer', () => {
  it('gives exactly the single-thread solutions, with one shared cache, any thread count, any budget', async () => {
    const { train, images, kernel, reference } = sixHundredDigits();
    // A budget of 100 rows makes the caches evict; half of it shared (never evicted) exercises the shared cache.
    // The reference computes rows in JavaScript; the threads with the WebAssembly engine (the default) and with
    // JavaScript: the same bits either way.
    // The last run hands the digits out longest first (as the second stage does), on one thread so the order they
    // finish in is the order they were taken in: the same solutions.
    const runs = [
      [2, 1 << 30, 'auto', 1, undefined],
      [3, 100 * 4 * 600, 'wasm-simd', 0.5, undefined],
      [1, 100 * 4 * 600, 'js', 1, longestFirst(reference)],
    ] as const;
    for (const [threads, cacheBytes, backend, localCacheShare, digitOrder] of runs) {
      const events: TrainEvent[] = [];
      const solutions = await trainOneVsRestThreaded(images, train.labels, {
        kernel,
        C: 1,
        tolerance: 1e-3,
        shrinking: true,
        threads,
        cacheBytes,
        backend,
        localCacheShare,
        ...(digitOrder === undefined ? {} : { digitOrder }),
        onEvent: (e) => events.push(e),
      });
      const done = events.flatMap((e) => (e.type === 'class-done' ? [e] : []));
      expect(done).toHaveLength(10);
      for (const e of done) expect(e.rowsComputed).toBeLessThanOrEqual(e.rowRequests);
      solutions.forEach((s, d) => {
        const r = reference[d];
        expect(s.digit).toBe(d);
        expect([...s.indices]).toEqual([...(r?.indices ?? [])]);
        expect([...s.coefficients]).toEqual([...(r?.coefficients ?? [])]);
        expect(s.bias).toBe(r?.bias);
      });
      if (digitOrder !== undefined) expect(done.map((e) => e.solution.digit)).toEqual(digitOrder);
    }
  });

  it("gives the same solutions when a second fit reuses the first fit's row arenas (a two-stage run)", async () => {
    const { train, images, kernel, reference } = sixHundredDigits();
    // 100 rows of 600 a thread: the caches evict, and the first fit (400 images: rows of another length) leaves
    // its values in the memory the second fit's rows are carved from.
    const options = { kernel, C: 1, tolerance: 1e-3, shrinking: true, threads: 2, cacheBytes: 2 * 100 * 4 * 600 };
    const rowArenas = allocateRowArenas(options);
    expect(rowArenas.map((a) => a.rows.length)).toEqual([100 * 600, 100 * 600]);
    // WebAssembly memories where SIMD runs: the threads' solvers then run their loops there, next to the rows.
    expect(rowArenas.map((a) => a.memory !== undefined)).toEqual([wasmSimdAvailable(), wasmSimdAvailable()]);
    await trainOneVsRestThreaded(images.subarray(0, 400 * 784), train.labels.subarray(0, 400), {
      ...options,
      rowArenas,
    });
    // (A thread may take every digit of so small a fit before the other starts: at least one arena holds rows.)
    expect(rowArenas.some((a) => a.rows.some((v) => v !== 0))).toBe(true);
    const solutions = await trainOneVsRestThreaded(images, train.labels, { ...options, rowArenas });
    solutions.forEach((s, d) => {
      const r = reference[d];
      expect([...s.indices]).toEqual([...(r?.indices ?? [])]);
      expect([...s.coefficients]).toEqual([...(r?.coefficients ?? [])]);
      expect(s.bias).toBe(r?.bias);
    });
  });

  it('hands out the digits that took an earlier fit most iterations first, ties in digit order', () => {
    const earlier = [5, 9, 2, 9, 1, 7, 3, 4, 8, 6].map((iterations, digit) => ({ digit, iterations }));
    expect(longestFirst(earlier)).toEqual([1, 3, 8, 5, 9, 0, 7, 6, 2, 4]);
  });

  it('refuses a digit order that is not the ten digits once each', async () => {
    const train = mnistTrain(60);
    const kernel: PolyKernel = { type: 'poly', degree: 4, gamma: 1e-3, coef0: 0 };
    const options = { kernel, C: 1, tolerance: 1e-3, shrinking: true, threads: 1, cacheBytes: 1 << 20 };
    await expect(
      trainOneVsRestThreaded(train.images, train.labels, { ...options, digitOrder: [0, 1, 2, 3, 4, 5, 6, 7, 8, 8] }),
    ).rejects.toThrow(/digitOrder must hold each of the digits 0-9 once/);
  });
});
