import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deskewAll } from '../../src/ml/deskew.js';
import { RESTRICTED_BELOW } from '../../src/ml/engine/js-rows.js';
import { compileKernelModules } from '../../src/ml/engine/wasm-engine.js';
import { createWasmKernelRows, placeKernelData } from '../../src/ml/engine/wasm-rows.js';
import {
  computeKernelRow,
  createJsKernelRows,
  prepareKernelData,
  scaleGamma,
  type KernelRowEngine,
  type PolyKernel,
} from '../../src/ml/kernel.js';
import { createKernelRowCache, createUncachedKernelRows } from '../../src/ml/kernel-cache.js';
import { solveBinarySvm } from '../../src/ml/smo.js';
import { mnistTrain } from '../helpers/mnist-subset.js';

const modules = await compileKernelModules();
const kernel: PolyKernel = { type: 'poly', degree: 4, gamma: 0.02, coef0: 0.5 };

/** Counts the calls an engine gets, to tell a row's active part from a whole row. */
function counting(engine: KernelRowEngine): KernelRowEngine & { whole: number; parts: number } {
  const counted = {
    backend: engine.backend,
    whole: 0,
    parts: 0,
    row(i: number, out: Float32Array) {
      counted.whole++;
      engine.row(i, out);
    },
    rowOn(i: number, subset: Int32Array, size: number, version: number, out: Float32Array) {
      counted.parts++;
      (engine.rowOn as NonNullable<KernelRowEngine['rowOn']>)(i, subset, size, version, out);
    },
  };
  return counted;
}

/** A run of restrictions as a solver makes them: sets that only narrow, now and then every variable again. */
const restrictions = (n: number) =>
  fc.array(
    fc.record({
      reset: fc.boolean(),
      keep: fc.double({ min: 0, max: 1, noNaN: true }),
      asks: fc.array(fc.tuple(fc.nat(n - 1), fc.boolean()), { minLength: 1, maxLength: 6 }),
    }),
    { minLength: 1, maxLength: 8 },
  );

/**
 * 300 MNIST digits, "0-4 or 5-9" with one label in seven flipped (a problem that needs more iterations than it has
 * variables), its kernel data and the solve of uncached rows.
 */
function flippedHalves() {
  const train = mnistTrain(300);
  const images = deskewAll(train.images, train.count);
  const k: PolyKernel = { type: 'poly', degree: 4, gamma: scaleGamma(images, 784), coef0: 0 };
  const y = Int8Array.from(train.labels, (l, t) => ((t % 7 === 0) !== l < 5 ? 1 : -1));
  const kd = prepareKernelData(images, train.count, 784, k);
  const reference = solveBinarySvm(createUncachedKernelRows(kd, k), y, { C: 1 });
  return { train, images, k, y, kd, reference };
}

describe('rows restricted to the active variables', () => {
  it("hold the whole row's values at the active variables, and whole rows where asked, on every engine", () => {
    const parts = { js: 0, 'wasm-simd': 0 };
    fc.assert(
      fc.property(
        fc
          .integer({ min: 4, max: 40 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.uint8Array({ minLength: n * 784, maxLength: n * 784 }),
              restrictions(n),
              fc.integer({ min: 0, max: 12 }),
            ),
          ),
        ([n, pixels, steps, budgetRows]) => {
          const sparse = pixels.map((v, p) => ((p * 7919) % 5 === 0 ? v : 0));
          const kd = prepareKernelData(sparse, n, 784, kernel);
          const placed = placeKernelData(sparse, n, 784, kernel);
          const engines = [
            createJsKernelRows(kd, kernel),
            createWasmKernelRows(kd, kernel, modules),
            createWasmKernelRows(placed, kernel, modules),
          ].map(counting);
          const want = new Float32Array(n);
          for (const engine of engines) {
            const rows = createKernelRowCache(kd, kernel, budgetRows * 4 * n, engine);
            let active = Int32Array.from({ length: n }, (_, t) => t);
            rows.restrict?.(null, n);
            for (const step of steps) {
              if (step.reset) {
                active = Int32Array.from({ length: n }, (_, t) => t);
                rows.restrict?.(null, n);
              } else {
                // Narrow: keep a prefix-free selection of the current set, in its order (as shrinking does).
                active = active.filter((_, a) => (a * 0.618 + step.keep) % 1 < step.keep);
                rows.restrict?.(active, active.length);
              }
              for (const [i, whole] of step.asks) {
                computeKernelRow(kd, kernel, i, want);
                const got = whole ? (rows.fullRow as (i: number) => Float32Array)(i) : rows.row(i);
                const at = whole || active.length === n ? Array.from({ length: n }, (_, t) => t) : [...active];
                expect(at.map((t) => got[t])).toEqual(at.map((t) => want[t]));
              }
            }
            parts[engine.backend] += engine.parts;
          }
        },
      ),
      { numRuns: 40 },
    );
    // The runs computed rows on their active variables alone, on both backends.
    expect(parts.js).toBeGreaterThan(20);
    expect(parts['wasm-simd']).toBeGreaterThan(40);
  });

  it('give a solve the same multipliers bit for bit, computing rows on the active variables once shrinking has set most aside', () => {
    // The problem needs more iterations than it has variables, so shrinking sets most of them aside before the end
    // (137 left at the least).
    const { train, k, y, kd, reference } = flippedHalves();
    for (const engine of [createJsKernelRows(kd, k), createWasmKernelRows(kd, k, modules)].map(counting)) {
      // A cache too small to keep every row, so rows are computed again under narrower sets.
      const rows = createKernelRowCache(kd, k, 40 * 4 * train.count, engine);
      const solution = solveBinarySvm(rows, y, { C: 1 });
      expect([...solution.alpha]).toEqual([...reference.alpha]);
      expect(solution.bias).toBe(reference.bias);
      expect(solution.iterations).toBe(reference.iterations);
      expect(engine.parts).toBeGreaterThan(100);
    }
    expect(RESTRICTED_BELOW * train.count).toBeGreaterThan(137);
  });

  it("give the same multipliers when carved from an arena that still holds an earlier problem's rows", () => {
    // A training run hands the second stage's caches the memory of the first's: rows of another length, other
    // values. Here the arena is first used by a cache over 200 of the digits, then by one over all 300.
    const { train, images, k, y, kd, reference } = flippedHalves();
    const arena = new Float32Array(40 * train.count);
    const earlier = prepareKernelData(images.subarray(0, 200 * 784), 200, 784, k);
    solveBinarySvm(createKernelRowCache(earlier, k, 4 * arena.length, undefined, arena), y.subarray(0, 200), { C: 1 });
    expect(arena.some((v) => v !== 0)).toBe(true);
    const rows = createKernelRowCache(kd, k, 1e12, createWasmKernelRows(kd, k, modules), arena);
    const solution = solveBinarySvm(rows, y, { C: 1 });
    expect([...solution.alpha]).toEqual([...reference.alpha]);
    expect(solution.bias).toBe(reference.bias);
    // The rows live in the arena, and its 40 rows' worth is the budget, however large the one asked for: 40 rows
    // asked twice are 40 hits, and a 41st pushes the least recent out (the solve's kept rows let go first).
    expect(rows.row(0).buffer).toBe(arena.buffer);
    rows.endPass?.(false);
    for (let i = 0; i < 40; i++) rows.fullRow!(i);
    const hits = rows.stats.hits;
    for (let i = 0; i < 40; i++) rows.fullRow!(i);
    expect(rows.stats.hits - hits).toBe(40);
    rows.fullRow!(40);
    const misses = rows.stats.misses;
    rows.fullRow!(0);
    expect(rows.stats.misses - misses).toBe(1);
  });
});
