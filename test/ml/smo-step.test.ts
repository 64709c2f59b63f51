import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shrink } from '../../src/ml/smo-shrink.js';
import { IN_LOW, IN_UP, initialState, LOWER, pack, sideOf, TAU, UPPER, type SmoState } from '../../src/ml/smo-state.js';
import { takeStep } from '../../src/ml/smo-step.js';
import type { KernelRows } from '../../src/ml/smo-types.js';
import { selectWorkingSet } from '../../src/ml/smo-working-set.js';

/** RBF kernel rows over random points (positive definite for distinct points). */
function rows(points: readonly (readonly number[])[]): KernelRows {
  const K = points.map((a) => points.map((b) => Math.exp(-0.5 * a.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0))));
  return {
    n: points.length,
    diag: Float64Array.from(K.map((row, i) => row[i]!)),
    row: (i) => Float32Array.from(K[i]!),
  };
}

/** A copy of the solver state that shares nothing mutable with `s`. */
function copy(s: SmoState): SmoState {
  return {
    ...s,
    alpha: Float64Array.from(s.alpha),
    status: Uint8Array.from(s.status),
    G: Float64Array.from(s.G),
    Gbar: Float64Array.from(s.Gbar),
    active: Int32Array.from(s.active),
    packed: {
      G: Float64Array.from(s.packed.G),
      y: Float64Array.from(s.packed.y),
      side: Uint8Array.from(s.packed.side),
      QD: Float64Array.from(s.packed.QD),
    },
    position: Int32Array.from(s.position),
  };
}

/** WSS 2 as written in Fan, Chen & Lin (and LIBSVM): every candidate j's objective decrease by its division. */
function plainSelection(s: SmoState): { i: number; j: number; gap: number } {
  const { active, activeSize, G, y, side, QD } = s;
  let Gmax = -Infinity;
  let i = -1;
  for (let a = 0; a < activeSize; a++) {
    const t = active[a]!;
    const v = -y[t]! * G[t]!;
    if ((side[t]! & IN_UP) !== 0 && v >= Gmax) {
      Gmax = v;
      i = t;
    }
  }
  let Gmax2 = -Infinity;
  let j = -1;
  let best = Infinity;
  if (i !== -1) {
    const Ki = s.rows.row(i);
    for (let a = 0; a < activeSize; a++) {
      const t = active[a]!;
      if ((side[t]! & IN_LOW) === 0) continue;
      const v = y[t]! * G[t]!;
      if (v >= Gmax2) Gmax2 = v;
      const gradDiff = Gmax + v;
      if (gradDiff > 0) {
        const quad = QD[i]! + QD[t]! - 2 * Ki[t]!;
        const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
        if (objDiff <= best) {
          j = t;
          best = objDiff;
        }
      }
    }
  }
  return { i, j, gap: Gmax + Gmax2 };
}

describe('SMO step and selection', () => {
  it('chooses the pair the plain WSS 2 loop chooses, ties and near-ties included', () => {
    // Few distinct gradients and kernel values, so that many candidates tie exactly or differ in the last bits.
    const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
    const grads = [-1, -0.75, -0.5, -0.3333333333333333, -0.33333333333333337, 0, 0.25, 1e-300, 1];
    const kernel = [0, 0.1, 0.30000000000000004, 0.3, 0.5, 1, 2];
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 60 }).chain((n) =>
          fc.tuple(
            fc.array(fc.tuple(fc.boolean(), pick([LOWER, UPPER, 2]), pick(grads), pick([1, 1.5, 2, 0.5])), {
              minLength: n,
              maxLength: n,
            }),
            fc.array(pick(kernel), { minLength: n * n, maxLength: n * n }),
            fc.array(fc.boolean(), { minLength: n, maxLength: n }),
          ),
        ),
        ([vars, K, keep]) => {
          const n = vars.length;
          const y = Int8Array.from(vars, ([positive]) => (positive ? 1 : -1));
          const rowsOf: KernelRows = {
            n,
            diag: Float64Array.from(vars, (v) => v[3]),
            row: (i) => Float32Array.from(K.slice(i * n, (i + 1) * n)),
          };
          const s = initialState(rowsOf, y, 1, 1e-3);
          vars.forEach(([, status, g], t) => {
            s.status[t] = status;
            s.side[t] = sideOf(y[t]!, status);
            s.G[t] = g;
          });
          const active = Int32Array.from({ length: n }, (_, t) => t).filter((t) => keep[t]);
          s.active.set(active);
          s.activeSize = active.length;
          pack(s);
          const want = plainSelection(s);
          const more = selectWorkingSet(s);
          expect(s.gap).toBe(want.gap);
          if (more) expect([s.i, s.j]).toEqual([want.i, want.j]);
          else expect(want.gap < s.eps || want.j === -1).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("takes the next i from takeStep's gradient pass exactly as a fresh search over the active set would", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true })), {
          minLength: 4,
          maxLength: 40,
        }),
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        fc.integer({ min: 1, max: 60 }),
        fc.boolean(),
        (points, C, steps, shrinking) => {
          const y = Int8Array.from(points, ([a, b]) => (a + 0.3 * b > 0 ? 1 : -1));
          if (y.every((v) => v === y[0])) return;
          const fused = initialState(rows(points), y, C, 1e-3);
          for (let k = 0; k < steps; k++) {
            if (shrinking && k % 7 === 6) shrink(fused);
            // The same state with the shortcut cleared searches the active set afresh.
            const fresh = copy(fused);
            fresh.nextReady = false;
            const more = selectWorkingSet(fused);
            expect(selectWorkingSet(fresh)).toBe(more);
            expect([fused.i, fused.j, fused.gap]).toEqual([fresh.i, fresh.j, fresh.gap]);
            if (!more) break;
            takeStep(fused, fused.i, fused.j);
            expect(fused.nextReady).toBe(true);
          }
        },
      ),
    );
  });
});
