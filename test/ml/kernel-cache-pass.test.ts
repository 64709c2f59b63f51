import { describe, expect, it } from 'vitest';
import { prepareKernelData, scaleGamma, type PolyKernel } from '../../src/ml/kernel.js';
import { createKernelRowCache, createUncachedKernelRows } from '../../src/ml/kernel-cache.js';
import { mnistTrain } from '../helpers/mnist-subset.js';

/**
 * A pass over rows that the next pass reads again (the gradient's reconstruction: beginPass / endPass) must not push
 * its own rows out of a cache too small for them all, as least-recently-used eviction does: with more rows than
 * slots, every row of the second pass was computed again.
 */
describe('a kernel-row cache across two passes over the same rows', () => {
  const train = mnistTrain(200);
  const n = train.count;
  const kernel: PolyKernel = { type: 'poly', degree: 4, gamma: scaleGamma(train.images, 784), coef0: 0 };
  const data = prepareKernelData(train.images, n, 784, kernel);
  const plain = createUncachedKernelRows(data, kernel);
  // 100 slots of 200-value rows.
  const slots = 100;
  const budget = slots * 4 * n;
  const passRows = Array.from({ length: 150 }, (_, k) => k);
  const pass = (rows: ReturnType<typeof createKernelRowCache>): number => {
    const before = rows.stats.misses;
    rows.beginPass?.(passRows);
    for (const i of passRows) expect(rows.fullRow!(i)).toEqual(plain.row(i));
    rows.endPass?.(true);
    return rows.stats.misses - before;
  };

  it('keeps what it can of a pass for the next, and computes the rest in a scratch ring with the same values', () => {
    const rows = createKernelRowCache(data, kernel, budget);
    expect(pass(rows)).toBe(150);
    // The steps between two passes ask for other rows too; they get the slots left spare.
    for (let i = 150; i < 200; i++) expect(rows.row(i)).toEqual(plain.row(i));
    const second = pass(rows);
    // At least the slots kept from the first pass are hits.
    expect(second).toBeLessThanOrEqual(150 - 60);
    // The same requests without the hint: least recent first pushes out each row just before it is asked for.
    const lru = createKernelRowCache(data, kernel, budget);
    for (const i of passRows) lru.fullRow!(i);
    for (let i = 150; i < 200; i++) lru.row(i);
    const before = lru.stats.misses;
    for (const i of passRows) lru.fullRow!(i);
    expect(lru.stats.misses - before).toBe(150);
  });

  it('lets the kept rows go for a new solve (endPass(false)), so its own rows get every slot', () => {
    const rows = createKernelRowCache(data, kernel, budget);
    pass(rows);
    rows.endPass?.(false);
    // 100 other rows fill every slot: the kept rows went to the back of the recency order and are pushed out first.
    for (let i = 100; i < 200; i++) rows.row(i);
    const before = rows.stats.hits;
    for (let i = 100; i < 200; i++) expect(rows.row(i)).toEqual(plain.row(i));
    expect(rows.stats.hits - before).toBe(100);
  });

  it('keeps a returned row valid for heldRows further rows, in a pass past every slot too', () => {
    const rows = createKernelRowCache(data, kernel, 10 * 4 * n);
    const held = rows.heldRows!;
    expect(held).toBeGreaterThanOrEqual(8);
    rows.beginPass?.(passRows);
    const recent: { i: number; row: Float32Array; copy: number[] }[] = [];
    for (const i of passRows) {
      const row = rows.fullRow!(i);
      recent.push({ i, row, copy: [...row] });
      if (recent.length > held) recent.shift();
      for (const r of recent) expect([...r.row]).toEqual(r.copy);
    }
    rows.endPass?.(true);
  });
});
