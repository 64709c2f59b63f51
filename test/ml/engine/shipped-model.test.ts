import { beforeAll, describe, expect, it } from 'vitest';
import { createJsEngine } from '../../../src/ml/engine/js-engine.js';
import { compileKernelModules, createWasmEngine, placeModel } from '../../../src/ml/engine/wasm-engine.js';
import type { SvmModel } from '../../../src/ml/model.js';
import { predict, predictBatch } from '../../../src/ml/predict.js';
import { loadModelFile } from '../../../src/node/model-file.js';
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

  it('refuses an engine made for another model', () => {
    const other = createJsEngine({ ...model });
    expect(() => predict(model, new Uint8Array(784), other)).toThrow(/another model/);
  });
});
