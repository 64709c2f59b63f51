import { beforeAll, describe, expect, it } from 'vitest';
import { createJsEngine } from '../../../src/ml/engine/js-engine.js';
import {
  compileKernelModules,
  createWasmEngine,
  placeModel,
  startModelMemory,
  type ModelMemory,
} from '../../../src/ml/engine/wasm-engine.js';
import { moveLayout } from '../../../src/ml/engine/wasm-second-stage.js';
import { paddedCount, VECTOR_GROUP } from '../../../src/ml/engine/pairs.js';
import { decodeBinaryModel } from '../../../src/ml/model-binary.js';
import type { SvmModel } from '../../../src/ml/model.js';
import { predict, predictBatch } from '../../../src/ml/predict.js';
import { loadModelFile, modelFileFromBytes } from '../../../src/node/model-file.js';
import { readModelFileBytes } from '../../../src/node/model-file-bytes.js';
import { DEFAULT_MODEL_PATH } from '../../../src/node/default-model-path.js';
import { containerOneOf } from '../../helpers/container-one.js';
import { mnistTest } from '../../helpers/mnist-subset.js';

/**
 * The shipped model on real digits: every backend gives the same scores, bit for bit. 300 test digits here; all
 * 10,000 are compared by `npm run bench:predict`.
 */
const SAMPLE = 300;
let model: SvmModel;
beforeAll(async () => {
  model = (await loadModelFile()).model;
});

describe('the shipped model on MNIST test digits', () => {
  it('predicts identically with the JavaScript and WebAssembly engines, one by one and in batches', async () => {
    const modules = await compileKernelModules();
    const placed = placeModel(model);
    const engines = [createJsEngine(model), createWasmEngine(model, modules)];
    const shared = createWasmEngine(placed, modules);
    const test = mnistTest(SAMPLE);
    const images = Array.from({ length: SAMPLE }, (_, k) => test.images.subarray(k * 784, (k + 1) * 784));
    const reference = images.map((image) => predict(model, image, engines[0]));
    expect(images.map((image) => predict(model, image, engines[1]))).toEqual(reference);
    expect(images.map((image) => predict(placed, image, shared))).toEqual(reference);
    expect(predictBatch(model, images, engines[1])).toEqual(reference);
    expect(predictBatch(model, images)).toEqual(reference);
    // A two-stage model's second stage reads some of these digits: both stages are compared across engines.
    if (model.secondStage) expect(reference.some((p) => p.stage === 2)).toBe(true);
    const correct = reference.filter((p, k) => p.digit === test.labels[k]).length;
    expect(correct / SAMPLE).toBeGreaterThan(0.97);
  });

  it("computes each move's dot products over the vectors its terms read, about a quarter fewer than all", () => {
    const stage = model.secondStage;
    if (stage === undefined) return;
    const count = model.supportVectorCount;
    const { order, position, runs } = moveLayout(stage, count);
    // Every vector a computed move reads is in the moves' matrix once, at its position.
    order.forEach((i, p) => expect(position[i]).toBe(p));
    expect(new Set(order).size).toBe(order.length);
    const padded = paddedCount(order.length);
    stage.shifts.forEach((shift, s) => {
      const identity = shift.dx === 0 && shift.dy === 0;
      const read = new Set<number>();
      for (const { entries } of stage.terms)
        for (const e of entries) {
          const slot = stage.slots[e] as number;
          if (Math.floor(slot / count) === s) read.add(slot % count);
        }
      const run = runs[s] as Int32Array;
      if (identity) {
        // The identity move copies the first stage's dot products: nothing computed.
        expect(run).toHaveLength(0);
        return;
      }
      const covered = (p: number) => {
        for (let k = 0; k < run.length; k += 2) if (p >= (run[k] as number) && p < (run[k + 1] as number)) return true;
        return false;
      };
      for (const i of read) expect(covered(position[i] as number)).toBe(true);
      let total = 0;
      for (let k = 0; k < run.length; k += 2) {
        expect((run[k] as number) % VECTOR_GROUP).toBe(0);
        expect((run[k + 1] as number) % VECTOR_GROUP).toBe(0);
        expect(run[k + 1] as number).toBeLessThanOrEqual(padded);
        if (k > 0) expect(run[k] as number).toBeGreaterThan(run[k - 1] as number);
        total += (run[k + 1] as number) - (run[k] as number);
      }
      // Measured on the shipped model: 10,016-10,376 of 13,552 per move, in 1-4 runs.
      expect(total).toBeLessThan(read.size + (run.length / 2) * 2 * VECTOR_GROUP);
      expect(total / paddedCount(count)).toBeLessThan(0.8);
    });
  });

  it('reads the file into the shared memory it is used from, and decodes it there without copying', async () => {
    const modules = await compileKernelModules();
    let started: ModelMemory | undefined;
    const read = await readModelFileBytes(DEFAULT_MODEL_PATH, {
      into: (byteLength) => (started = startModelMemory(byteLength)).bytes,
    });
    expect(read.file).toBe(started!.bytes);
    expect(read.inflated).toBe(read.file); // the shipped file is not compressed
    const decoded = modelFileFromBytes(read, DEFAULT_MODEL_PATH, { inPlace: true }).model;
    // The arrays are the file's bytes, where the read put them.
    const region = started!.bytes;
    const within = (a: ArrayBufferView) =>
      a.buffer === region.buffer &&
      a.byteOffset >= region.byteOffset &&
      a.byteOffset + a.byteLength <= region.byteOffset + region.length;
    expect(within(decoded.supportVectorPairs.bytes)).toBe(true);
    expect(within(decoded.coefficients)).toBe(true);
    expect(within(decoded.secondStage!.slots)).toBe(true);
    expect(within(decoded.secondStage!.coefficients)).toBe(true);
    const inPlace = placeModel(decoded, started);
    // Grown for the second stage's terms, not replaced: the arrays keep their offsets in the file.
    expect(inPlace.placement.memory).toBe(started!.memory);
    expect(inPlace.placement.pairsOffset).toBe(decoded.supportVectorPairs.bytes.byteOffset);
    expect(inPlace.placement.coefOffset).toBe(decoded.coefficients.byteOffset);
    expect(inPlace.placement.termsOffset).toBeGreaterThanOrEqual(region.byteOffset + region.length);
    const test = mnistTest(100);
    const images = Array.from({ length: 100 }, (_, k) => test.images.subarray(k * 784, (k + 1) * 784));
    const reference = predictBatch(model, images);
    expect(predictBatch(inPlace, images, createWasmEngine(inPlace, modules))).toEqual(reference);
    expect(predictBatch(inPlace, images, createJsEngine(inPlace))).toEqual(reference);
    // A memory that does not hold this model's vectors is not used: the model is copied into a new one.
    const other = startModelMemory(decoded.supportVectorPairs.bytes.length);
    expect(placeModel(model, other).placement.memory).not.toBe(other.memory);
  });

  it('decodes the support vectors of a row-by-row file straight into the shared memory it places the model in', async () => {
    const modules = await compileKernelModules();
    let started: ModelMemory | undefined;
    const decoded = decodeBinaryModel(containerOneOf(model), {
      pairsInto: (byteLength) => (started = startModelMemory(byteLength)).bytes,
    });
    expect(decoded.supportVectorPairs.bytes).toBe(started!.bytes);
    const placed = placeModel(decoded, started);
    expect(placed.placement.memory).toBe(started!.memory);
    const test = mnistTest(100);
    const images = Array.from({ length: 100 }, (_, k) => test.images.subarray(k * 784, (k + 1) * 784));
    expect(predictBatch(placed, images, createWasmEngine(placed, modules))).toEqual(predictBatch(model, images));
  });

  it('refuses an engine made for another model', () => {
    const other = createJsEngine({ ...model });
    expect(() => predict(model, new Uint8Array(784), other)).toThrow(/another model/);
  });
});
