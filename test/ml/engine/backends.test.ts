import { beforeAll, describe, expect, it } from 'vitest';
import { createJsEngine } from '../../../src/ml/engine/js-engine.js';
import {
  compileKernelModules,
  createWasmEngine,
  placeModel,
  wasmSimdAvailable,
  type WasmKernelModules,
} from '../../../src/ml/engine/wasm-engine.js';
import { engineProperties } from './engine.properties.js';
import { modelOf } from './random-models.js';

let modules: WasmKernelModules;
beforeAll(async () => {
  modules = await compileKernelModules();
});

engineProperties('js (reference)', createJsEngine);
engineProperties('wasm-simd, private memory', (model) => createWasmEngine(model, modules));
engineProperties('wasm-simd, model placed in shared memory', (model) => createWasmEngine(placeModel(model), modules));

describe('wasm-simd engine', () => {
  it('runs here (Node 20 has fixed-width SIMD without flags)', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  it('shares one placed model between engines, each with its own scratch', () => {
    const vectors = Uint8Array.from({ length: 20 * 784 }, (_, p) => (p * 37) % 251);
    const coef = Float64Array.from({ length: 200 }, (_, k) => Math.sin(k));
    const model = modelOf(
      vectors,
      20,
      { type: 'poly', degree: 3, gamma: 0.01, coef0: 1 },
      coef,
      new Array<number>(10).fill(0),
    );
    const placed = placeModel(model);
    expect(placed.supportVectorPairs.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(placed.supportVectorPairs.bytes.buffer.byteLength).toBe(placed.placement.memory.buffer.byteLength);
    // What postMessage does to workerData: the clone sees the same memory, not a copy.
    const clone = structuredClone(placed);
    clone.supportVectorPairs.bytes[0] = (placed.supportVectorPairs.bytes[0] as number) ^ 1;
    expect(placed.supportVectorPairs.bytes[0]).toBe(clone.supportVectorPairs.bytes[0]);
    clone.supportVectorPairs.bytes[0] = (placed.supportVectorPairs.bytes[0] as number) ^ 1;
    const a = createWasmEngine(placed, modules);
    const b = createWasmEngine(clone, modules);
    const x = Uint8Array.from({ length: 784 }, (_, p) => (p % 3 === 0 ? 200 : 0));
    const y = Uint8Array.from({ length: 784 }, (_, p) => (p % 5 === 0 ? 90 : 0));
    const want = new Float64Array(20);
    createJsEngine(model).decisionValues(x, 1, want.subarray(0, 10));
    createJsEngine(model).decisionValues(y, 1, want.subarray(10));
    const got = new Float64Array(20);
    a.decisionValues(x, 1, got.subarray(0, 10));
    b.decisionValues(y, 1, got.subarray(10));
    expect([...got]).toEqual([...want]);
  });

  it('reuses a given scratch region instead of growing the memory, and refuses one that is not a scratch region', () => {
    const model = modelOf(
      Uint8Array.from({ length: 3 * 784 }, (_, p) => p % 7),
      3,
      { type: 'poly', degree: 4, gamma: 0.01, coef0: 0 },
      Float64Array.from({ length: 30 }, (_, k) => k - 15),
      new Array<number>(10).fill(0.5),
    );
    const placed = placeModel(model);
    const first = createWasmEngine(placed, modules);
    const grown = placed.placement.memory.buffer.byteLength;
    const again = createWasmEngine(placed, modules, { scratchAt: first.scratchAt! });
    expect(again.scratchAt).toBe(first.scratchAt);
    expect(placed.placement.memory.buffer.byteLength).toBe(grown);
    const x = Uint8Array.from({ length: 784 }, (_, p) => (p % 4 === 0 ? 255 : 0));
    const want = new Float64Array(10);
    const got = new Float64Array(10);
    createJsEngine(model).decisionValues(x, 1, want);
    again.decisionValues(x, 1, got);
    expect([...got]).toEqual([...want]);
    expect(() => createWasmEngine(placed, modules, { scratchAt: 0 })).toThrow(/not a scratch region/);
    expect(() => createWasmEngine(placed, modules, { scratchAt: grown })).toThrow(/not a scratch region/);
  });

  it('refuses a placed model without the shared variant of the module', () => {
    const model = modelOf(
      new Uint8Array(784).fill(1),
      1,
      { type: 'poly', degree: 2, gamma: 0.01, coef0: 0 },
      new Float64Array(10),
      new Array<number>(10).fill(0),
    );
    expect(() => createWasmEngine(placeModel(model), { plain: modules.plain })).toThrow(/shared variant/);
  });
});
