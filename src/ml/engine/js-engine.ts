import type { SvmModel } from '../model.js';
import { readsSecondStage } from '../routing.js';
import { secondStageScores, secondStageScratch } from '../second-stage-scores.js';
import { checkConvolution, convolveSums } from './js-conv.js';
import { pairDots } from './js-dots.js';
import { addBiases, classSums } from './js-sums.js';
import { activePairsFor, findActivePairs } from './pairs.js';
import type { ModelEngine } from './types.js';

/**
 * The plain-JavaScript engine: the reference every other backend must match bit for bit, and the fallback where
 * WebAssembly SIMD is not available. Reads the model's own support vectors (no copy); its scratch, the second
 * stage's included, is made once per engine.
 * @example const engine = createJsEngine(model);
 */
export function createJsEngine(model: SvmModel): ModelEngine {
  const m = model.supportVectorPairs;
  const { dim, supportVectorCount: count } = model;
  const act = activePairsFor(dim);
  const acc = new Int32Array(m.padded);
  const second = model.secondStage;
  let scratch: ReturnType<typeof secondStageScratch> | undefined;
  const engine: ModelEngine = {
    backend: 'js',
    model,
    dots(images, imageCount, out) {
      for (let b = 0; b < imageCount; b++) {
        findActivePairs(images.subarray(b * dim, (b + 1) * dim), dim, m.stride, act);
        pairDots(m, act, acc, 0, count);
        out.set(acc.subarray(0, count), b * count);
      }
    },
    decisionValues(images, imageCount, out) {
      for (let b = 0; b < imageCount; b++) {
        findActivePairs(images.subarray(b * dim, (b + 1) * dim), dim, m.stride, act);
        pairDots(m, act, acc, 0, count);
        classSums(acc, count, model.coefficients, model.kernel, out, b * 10);
        addBiases(model.biases, out, b * 10);
      }
    },
    stagedDecisionValues(images, imageCount, out, stages) {
      engine.decisionValues(images, imageCount, out);
      stages.fill(1, 0, imageCount);
      if (second === undefined) return;
      for (let b = 0; b < imageCount; b++) {
        if (!readsSecondStage(second.gap, out, b * 10)) continue;
        scratch ??= secondStageScratch(model, second);
        secondStageScores(model, second, engine, images.subarray(b * dim, (b + 1) * dim), out, b * 10, scratch);
        stages[b] = 2;
      }
    },
    convolve(shape, weights, bias, input, out) {
      checkConvolution(shape, weights, bias, input, out);
      convolveSums(shape, weights, bias, input, out);
    },
  };
  return engine;
}
