import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solveBinarySvm, type KernelRows } from '../../src/ml/smo.js';

/** A kernel matrix as rows, from points in R^d with an RBF kernel (positive definite for distinct points). */
function rbfRows(points: number[][], gamma: number): KernelRows & { K: number[][] } {
  const n = points.length;
  const K = points.map((a) =>
    points.map((b) => Math.exp(-gamma * a.reduce((s, v, k) => s + (v - (b[k] as number)) ** 2, 0))),
  );
  return {
    n,
    K,
    diag: Float64Array.from(K.map((row, i) => row[i] as number)),
    row: (i) => Float32Array.from(K[i] as number[]),
  };
}

function objective(K: number[][], y: Int8Array, alpha: ArrayLike<number>): number {
  let quad = 0;
  let lin = 0;
  for (let i = 0; i < y.length; i++) {
    lin += alpha[i] as number;
    for (let j = 0; j < y.length; j++)
      quad +=
        (alpha[i] as number) *
        (alpha[j] as number) *
        (y[i] as number) *
        (y[j] as number) *
        Math.fround((K[i] as number[])[j] as number);
  }
  return 0.5 * quad - lin;
}

/** Maximal KKT violation m(a) - M(a) of the dual (Keerthi et al. 2001). */
function kktGap(K: number[][], y: Int8Array, alpha: ArrayLike<number>, C: number): number {
  let up = -Infinity;
  let low = Infinity;
  for (let t = 0; t < y.length; t++) {
    let g = -1;
    for (let j = 0; j < y.length; j++)
      g += (y[t] as number) * (y[j] as number) * Math.fround((K[t] as number[])[j] as number) * (alpha[j] as number);
    const v = -(y[t] as number) * g;
    const a = alpha[t] as number;
    const inUp = (y[t] === 1 && a < C) || (y[t] === -1 && a > 0);
    const inLow = (y[t] === 1 && a > 0) || (y[t] === -1 && a < C);
    if (inUp) up = Math.max(up, v);
    if (inLow) low = Math.min(low, v);
  }
  return up - low;
}

/** Solves a linear system by Gaussian elimination with partial pivoting; undefined when singular. */
function solveLinear(A: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++)
      if (Math.abs((M[r] as number[])[c] as number) > Math.abs((M[p] as number[])[c] as number)) p = r;
    if (Math.abs((M[p] as number[])[c] as number) < 1e-10) return undefined;
    [M[c], M[p]] = [M[p] as number[], M[c] as number[]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = ((M[r] as number[])[c] as number) / ((M[c] as number[])[c] as number);
      for (let k = c; k <= n; k++)
        (M[r] as number[])[k] = ((M[r] as number[])[k] as number) - f * ((M[c] as number[])[k] as number);
    }
  }
  return M.map((row, i) => (row[n] as number) / (row[i] as number));
}

/**
 * The exact dual optimum of a tiny problem: try every split of the variables into at-zero, at-C and free, solve the
 * equality-constrained problem on the free ones, keep the best feasible point.
 */
function bruteForce(K: number[][], y: Int8Array, C: number): number {
  const n = y.length;
  let best = Infinity;
  const Q = (i: number, j: number) =>
    (y[i] as number) * (y[j] as number) * Math.fround((K[i] as number[])[j] as number);
  for (let code = 0; code < 3 ** n; code++) {
    const state: number[] = [];
    let c = code;
    for (let i = 0; i < n; i++) {
      state.push(c % 3);
      c = Math.floor(c / 3);
    }
    const free = state.flatMap((s, i) => (s === 2 ? [i] : []));
    const alpha = state.map((s) => (s === 1 ? C : 0));
    if (free.length > 0) {
      // [Q_FF y_F; y_F' 0] [a_F; b] = [1 - Q_F,fixed a_fixed; -y_fixed' a_fixed]
      const A = free.map((i) => [...free.map((j) => Q(i, j)), y[i] as number]);
      A.push([...free.map((j) => y[j] as number), 0]);
      const rhs = free.map((i) => 1 - alpha.reduce((s, a, j) => s + (free.includes(j) ? 0 : Q(i, j) * a), 0));
      rhs.push(-alpha.reduce((s, a, j) => s + (free.includes(j) ? 0 : (y[j] as number) * a), 0));
      const x = solveLinear(A, rhs);
      if (x === undefined) continue;
      free.forEach((i, k) => {
        alpha[i] = x[k] as number;
      });
      if (free.some((i) => (alpha[i] as number) < -1e-9 || (alpha[i] as number) > C + 1e-9)) continue;
    }
    if (Math.abs(alpha.reduce((s, a, i) => s + a * (y[i] as number), 0)) > 1e-7) continue;
    best = Math.min(best, objective(K, y, alpha));
  }
  return best;
}

const problem = (maxN: number) =>
  fc
    .integer({ min: 2, max: maxN })
    .chain((n) =>
      fc.record({
        points: fc.array(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 2, maxLength: 2 }), {
          minLength: n,
          maxLength: n,
        }),
        labels: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
        C: fc.constantFrom(0.1, 1, 10),
      }),
    )
    .filter((p) => p.labels.some((l) => l) && p.labels.some((l) => !l));

describe('solveBinarySvm', () => {
  it('ends with the KKT conditions satisfied to the tolerance', () => {
    fc.assert(
      fc.property(problem(40), fc.boolean(), ({ points, labels, C }, shrinking) => {
        const rows = rbfRows(points, 1);
        const y = Int8Array.from(labels, (l) => (l ? 1 : -1));
        const sol = solveBinarySvm(rows, y, { C, tolerance: 1e-3, shrinking });
        expect(sol.converged).toBe(true);
        for (const a of sol.alpha) {
          expect(a).toBeGreaterThanOrEqual(0);
          expect(a).toBeLessThanOrEqual(C);
        }
        expect(Math.abs(sol.alpha.reduce((s, a, i) => s + a * (y[i] as number), 0))).toBeLessThan(1e-9);
        expect(kktGap(rows.K, y, sol.alpha, C)).toBeLessThan(1e-3 + 1e-6);
      }),
      { numRuns: 60 },
    );
  });

  it('reaches the brute-force optimum on tiny problems', () => {
    fc.assert(
      fc.property(problem(6), ({ points, labels, C }) => {
        const rows = rbfRows(points, 1);
        const y = Int8Array.from(labels, (l) => (l ? 1 : -1));
        const sol = solveBinarySvm(rows, y, { C, tolerance: 1e-6 });
        const exact = bruteForce(rows.K, y, C);
        expect(objective(rows.K, y, sol.alpha)).toBeCloseTo(exact, 4);
      }),
      { numRuns: 60 },
    );
  });

  it('separates a separable problem with the right signs and bias', () => {
    const points = [
      [-2, 0],
      [-1.5, 0.5],
      [-1, -1],
      [1, 1],
      [1.5, -0.5],
      [2, 0],
    ];
    const rows = rbfRows(points, 0.5);
    const y = Int8Array.from([-1, -1, -1, 1, 1, 1]);
    const sol = solveBinarySvm(rows, y, { C: 100 });
    points.forEach((_, t) => {
      let f = sol.bias;
      for (let i = 0; i < 6; i++)
        f += (sol.alpha[i] as number) * (y[i] as number) * ((rows.K[i] as number[])[t] as number);
      expect(Math.sign(f)).toBe(y[t]);
      expect(Math.abs(f)).toBeGreaterThan(0.99);
    });
  });

  it('rejects labels other than +1/-1 and a non-positive C', () => {
    const rows = rbfRows(
      [
        [0, 0],
        [1, 1],
      ],
      1,
    );
    expect(() => solveBinarySvm(rows, Int8Array.from([1, 0]), { C: 1 })).toThrow(/must be \+1 or -1/);
    expect(() => solveBinarySvm(rows, Int8Array.from([1, -1]), { C: 0 })).toThrow(/C must be/);
  });

  it('stops at maxIterations and says it did not converge', () => {
    const points = Array.from({ length: 30 }, (_, k) => [Math.sin(k), Math.cos(3 * k)]);
    const rows = rbfRows(points, 1);
    const y = Int8Array.from(points, (_, k) => (k % 2 === 0 ? 1 : -1));
    const sol = solveBinarySvm(rows, y, { C: 10, maxIterations: 3 });
    expect(sol.converged).toBe(false);
    expect(sol.iterations).toBe(3);
  });
});
