import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shrink } from '../../src/ml/smo-shrink.js';
import { initialState, type SmoState } from '../../src/ml/smo-state.js';
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
      y: Int8Array.from(s.packed.y),
      side: Uint8Array.from(s.packed.side),
      QD: Float64Array.from(s.packed.QD),
    },
    position: Int32Array.from(s.position),
  };
}

describe('SMO step and selection', () => {
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
