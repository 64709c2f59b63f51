import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeKernelRow,
  dotBytes,
  kernelFromDot,
  prepareKernelData,
  scaleGamma,
  type PolyKernel,
} from '../../src/ml/kernel.js';
import { sumDifferenceBound } from '../helpers/float-error.js';
import { createKernelRowCache, createUncachedKernelRows } from '../../src/ml/kernel-cache.js';
import { compileKernelModules } from '../../src/ml/engine/wasm-engine.js';
import { createWasmKernelRows, placeKernelData } from '../../src/ml/engine/wasm-rows.js';
import { instantiateKernel } from '../../src/ml/engine/wasm-memory.js';
import { dotScale } from '../../src/ml/engine/poly.js';

/** The kernel straight from its definition, on pixels scaled to [0, 1]. */
function direct(a: Uint8Array, b: Uint8Array, k: PolyKernel): number {
  let dot = 0;
  for (let p = 0; p < a.length; p++) dot += ((a[p] as number) / 255) * ((b[p] as number) / 255);
  return (k.gamma * dot + k.coef0) ** k.degree;
}

/**
 * How far two float64 evaluations of one kernel value may differ: the dot product is a sum of 784 non-negative
 * terms (2 roundings each: the scaled pixels' product), then 3 more (gamma, coef0, rounding of the sum) raised to
 * the degree, which multiplies the relative error by the degree (test/helpers/float-error.ts).
 */
function kernelBound(value: number, k: PolyKernel): number {
  return sumDifferenceBound(value, 1, k.degree * (784 + 5) + k.degree);
}

const images = (n: number) => fc.uint8Array({ minLength: n * 784, maxLength: n * 784 });
const kernels = fc.record({
  type: fc.constant('poly' as const),
  degree: fc.integer({ min: 1, max: 5 }),
  gamma: fc.double({ min: 1e-4, max: 0.1, noNaN: true }),
  coef0: fc.double({ min: 0, max: 2, noNaN: true }),
});

describe('polynomial kernel', () => {
  it('kernel rows equal the definition for every pair', () => {
    fc.assert(
      fc.property(images(5), kernels, (data, k) => {
        const kd = prepareKernelData(data, 5, 784, k);
        const out = new Float32Array(5);
        for (let i = 0; i < 5; i++) {
          computeKernelRow(kd, k, i, out);
          for (let j = 0; j < 5; j++) {
            const want = direct(data.subarray(i * 784, i * 784 + 784), data.subarray(j * 784, j * 784 + 784), k);
            // A float32 row holds the value to half an ulp (2^-24 relative); the definition's float64 sum of 784
            // non-negative products, then its power, adds its own rounding (bounded by the value itself).
            expect(Math.abs((out[j] as number) - want)).toBeLessThanOrEqual(2 ** -24 * want + kernelBound(want, k));
          }
          const wantDiag = direct(data.subarray(i * 784, i * 784 + 784), data.subarray(i * 784, i * 784 + 784), k);
          expect(Math.abs((kd.diag[i] as number) - wantDiag)).toBeLessThanOrEqual(kernelBound(wantDiag, k));
        }
      }),
      { numRuns: 30 },
    );
  });

  it('kernel rows are the float32 of the exact integer kernel, bit for bit, sparse or dense', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(fc.constant(n), images(n))),
        kernels,
        ([n, data], k) => {
          const sparse = data.map((v, p) => ((p * 7919) % 5 === 0 ? v : 0));
          for (const pixels of [data, sparse]) {
            const kd = prepareKernelData(pixels, n, 784, k);
            const out = new Float32Array(n);
            const image = (t: number) => pixels.subarray(t * 784, (t + 1) * 784);
            for (let i = 0; i < n; i++) {
              computeKernelRow(kd, k, i, out);
              expect([...out]).toEqual(
                Array.from({ length: n }, (_, j) => Math.fround(kernelFromDot(dotBytes(image(i), image(j)), k))),
              );
            }
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('the WebAssembly engine gives the same kernel rows, bit for bit, in shared or private memory', async () => {
    const modules = await compileKernelModules();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }).chain((n) => fc.tuple(fc.constant(n), images(n))),
        kernels,
        ([n, data], k) => {
          const sparse = data.map((v, p) => ((p * 7919) % 7 === 0 ? v : 0));
          for (const pixels of [data, sparse]) {
            const kd = prepareKernelData(pixels, n, 784, k);
            const placed = placeKernelData(pixels, n, 784, k);
            expect([...placed.diag]).toEqual([...kd.diag]);
            const engines = [createWasmKernelRows(kd, k, modules), createWasmKernelRows(placed, k, modules)];
            const want = new Float32Array(n);
            const got = new Float32Array(n);
            for (let i = 0; i < n; i++) {
              computeKernelRow(kd, k, i, want);
              for (const engine of engines) {
                engine.row(i, got);
                expect([...got]).toEqual([...want]);
              }
            }
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('the kernelRow export is the float32 of kernelFromDot for every dot, two a step or one, any degree', async () => {
    const { plain } = await compileKernelModules();
    const memory = new WebAssembly.Memory({ initial: 1 });
    const exports = instantiateKernel(plain, memory);
    const accAt = 64;
    const outAt = 4096;
    fc.assert(
      fc.property(
        // up to 784 * 255^2, the largest dot of two byte images; odd and even counts
        fc.array(fc.integer({ min: 0, max: 784 * 255 * 255 }), { minLength: 1, maxLength: 41 }),
        kernels,
        (dots, k) => {
          new Int32Array(memory.buffer, accAt, dots.length).set(dots);
          // A value past the row must stay as it was (the last odd value goes through the scalar loop).
          const out = new Float32Array(memory.buffer, outAt, dots.length + 1);
          out.fill(-7);
          exports.kernelRow(accAt, dots.length, dotScale(k.gamma), k.coef0, k.degree, outAt);
          const want = dots.map((dot) => Math.fround(kernelFromDot(dot, k)));
          expect([...out.subarray(0, dots.length)]).toEqual(want);
          expect(out[dots.length]).toBe(-7);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('does not overflow on the largest possible dot product', () => {
    const white = new Uint8Array(784).fill(255);
    const dot = dotBytes(white, white);
    expect(dot).toBe(784 * 255 * 255);
    const k: PolyKernel = { type: 'poly', degree: 4, gamma: 1, coef0: 1 };
    expect(kernelFromDot(dot, k)).toBeCloseTo(785 ** 4, -2);
    const kd = prepareKernelData(new Uint8Array(784 * 2).fill(255), 2, 784, k);
    const out = new Float32Array(2);
    computeKernelRow(kd, k, 0, out);
    expect(out[1]).toBeCloseTo(Math.fround(785 ** 4), -5);
  });

  it('cached and uncached rows agree, whatever the budget', () => {
    fc.assert(
      fc.property(
        images(6),
        fc.integer({ min: 0, max: 200 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 30 }),
        (data, budget, order) => {
          const k: PolyKernel = { type: 'poly', degree: 4, gamma: 0.02, coef0: 0 };
          const kd = prepareKernelData(data, 6, 784, k);
          const cached = createKernelRowCache(kd, k, budget);
          const plain = createUncachedKernelRows(kd, k);
          for (const i of order) expect([...cached.row(i)]).toEqual([...plain.row(i)]);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('keeps the two most recent rows valid even with the smallest cache', () => {
    const k: PolyKernel = { type: 'poly', degree: 2, gamma: 0.05, coef0: 1 };
    const data = Uint8Array.from({ length: 3 * 784 }, (_, p) => (p * 13) % 256);
    const kd = prepareKernelData(data, 3, 784, k);
    const rows = createKernelRowCache(kd, k, 0);
    const a = rows.row(0);
    const snapshot = [...a];
    rows.row(1);
    expect([...a]).toEqual(snapshot);
    rows.row(0);
    expect(rows.stats.hits).toBe(1);
  });

  it('gamma "scale" is 1 / (dim * variance) on [0, 1] pixels, and refuses constant data', () => {
    const data = Uint8Array.from({ length: 784 * 2 }, (_, p) => (p % 2 === 0 ? 0 : 255));
    expect(scaleGamma(data, 784)).toBeCloseTo(1 / (784 * 0.25), 10);
    expect(() => scaleGamma(new Uint8Array(784), 784)).toThrow(/all one value/);
  });
});
