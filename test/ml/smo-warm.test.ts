import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solveBinarySvm, type KernelRows } from '../../src/ml/smo.js';

/** RBF kernel rows over points in the plane (positive definite for distinct points). */
function rbfRows(points: number[][]): KernelRows & { K: number[][] } {
  const K = points.map((a) => points.map((b) => Math.exp(-a.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0))));
  return { n: points.length, K, diag: Float64Array.from(K.map((r, i) => r[i]!)), row: (i) => Float32Array.from(K[i]!) };
}

/** Maximal KKT violation m(a) - M(a) (Keerthi et al. 2001), from scratch in float64 over float32 kernel values. */
function kktGap(K: number[][], y: Int8Array, alpha: ArrayLike<number>, C: number): number {
  let up = -Infinity;
  let low = Infinity;
  for (let t = 0; t < y.length; t++) {
    let g = -1;
    for (let j = 0; j < y.length; j++) g += y[t]! * y[j]! * Math.fround(K[t]![j]!) * alpha[j]!;
    const v = -y[t]! * g;
    const a = alpha[t]!;
    if ((y[t] === 1 && a < C) || (y[t] === -1 && a > 0)) up = Math.max(up, v);
    if ((y[t] === 1 && a > 0) || (y[t] === -1 && a < C)) low = Math.min(low, v);
  }
  return up - low;
}

const problem = fc
  .integer({ min: 6, max: 40 })
  .chain((n) =>
    fc.record({
      points: fc.array(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 2, maxLength: 2 }), {
        minLength: n,
        maxLength: n,
      }),
      labels: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      added: fc.integer({ min: 1, max: 5 }),
      C: fc.constantFrom(0.1, 1, 10),
    }),
  )
  .filter((p) => {
    const old = p.labels.slice(0, p.labels.length - p.added);
    return old.some((l) => l) && old.some((l) => !l);
  });

describe('solveBinarySvm with initialAlpha (warm start)', () => {
  it('from an earlier solution plus new rows at 0: ends with the KKT conditions satisfied, feasible', () => {
    fc.assert(
      fc.property(problem, fc.boolean(), ({ points, labels, added, C }, shrinking) => {
        const y = Int8Array.from(labels, (l) => (l ? 1 : -1));
        const m = points.length - added;
        const old = solveBinarySvm(rbfRows(points.slice(0, m)), y.slice(0, m), { C, tolerance: 1e-3 });
        const seed = new Float64Array(points.length);
        seed.set(old.alpha);
        const rows = rbfRows(points);
        const sol = solveBinarySvm(rows, y, { C, tolerance: 1e-3, shrinking, initialAlpha: seed });
        expect(sol.converged).toBe(true);
        for (const a of sol.alpha) expect(a >= 0 && a <= C).toBe(true);
        expect(Math.abs(sol.alpha.reduce((s, a, i) => s + a * y[i]!, 0))).toBeLessThan(1e-9);
        expect(kktGap(rows.K, y, sol.alpha, C)).toBeLessThan(1e-3 + 1e-6);
      }),
      { numRuns: 60 },
    );
  });

  it('from the optimum of the same problem: converges in 0 iterations', () => {
    fc.assert(
      fc.property(problem, ({ points, labels, C }) => {
        const y = Int8Array.from(labels, (l) => (l ? 1 : -1));
        if (!y.includes(1) || !y.includes(-1)) return;
        const rows = rbfRows(points);
        const cold = solveBinarySvm(rows, y, { C, tolerance: 1e-6 });
        const warm = solveBinarySvm(rows, y, { C, tolerance: 1e-3, initialAlpha: cold.alpha });
        expect(warm.iterations).toBe(0);
        expect(warm.bias).toBeCloseTo(cold.bias, 3);
      }),
      { numRuns: 60 },
    );
  });

  it('does not modify the seed, and refuses an infeasible one', () => {
    const rows = rbfRows([
      [0, 0],
      [1, 1],
      [2, 0],
    ]);
    const y = Int8Array.from([1, -1, 1]);
    const seed = Float64Array.from([0.5, 0.5, 0]);
    solveBinarySvm(rows, y, { C: 1, initialAlpha: seed });
    expect([...seed]).toEqual([0.5, 0.5, 0]);
    const bad = (alpha: number[]) => () => solveBinarySvm(rows, y, { C: 1, initialAlpha: Float64Array.from(alpha) });
    expect(bad([0.5, 0, 0])).toThrow(/not feasible/);
    expect(bad([2, 2, 0])).toThrow(/outside \[0, C = 1\]/);
    expect(bad([0, 0])).toThrow(/expected 3 values/);
  });
});
