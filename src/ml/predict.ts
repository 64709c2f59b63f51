import { deskew } from './deskew.js';
import { createJsEngine } from './engine/js-engine.js';
import type { ModelEngine } from './engine/types.js';
import { MlError } from './errors.js';
import type { SvmModel } from './model.js';
import { softmaxConfidence } from './calibration.js';
import { readsSecondStage } from './routing.js';

/** A model's answer for one image. */
export interface Prediction {
  /** The digit with the highest decision value. */
  readonly digit: number;
  /** Calibrated probability of `digit` (softmax of the scores at the model's fitted temperature), 0..1. */
  readonly confidence: number;
  /** The ten one-vs-rest decision values; index = digit. */
  readonly scores: number[];
  /** Which stage answered: 1, or 2 when a two-stage model's first stage was unsure (see second-stage.ts). */
  readonly stage: 1 | 2;
}

function engineFor(model: SvmModel, engine: ModelEngine | undefined): ModelEngine {
  if (engine === undefined) return createJsEngine(model);
  if (engine.model !== model)
    throw new MlError('INVALID_ARGUMENT', `the ${engine.backend} engine was made for another model`);
  return engine;
}

/** Checks one image and applies the model's preprocessing (deskew) into `out` (dim bytes). */
function preprocess(model: SvmModel, image: ArrayLike<number>, out: Uint8Array): void {
  const dim = model.dim;
  if (image.length !== dim) {
    throw new MlError('INVALID_ARGUMENT', `predict needs a 28x28 image of ${dim} values, got ${image.length}`);
  }
  if (model.preprocessing.deskew) deskew(image, out);
  else for (let p = 0; p < dim; p++) out[p] = Math.round(image[p] as number);
}

function toPrediction(model: SvmModel, scores: number[], stage: 1 | 2): Prediction {
  let best = 0;
  for (let c = 1; c < scores.length; c++) if ((scores[c] as number) > (scores[best] as number)) best = c;
  const temperature =
    stage === 2 && model.secondStage ? model.secondStage.calibration.temperature : model.calibration.temperature;
  return {
    digit: model.classes[best] as number,
    confidence: softmaxConfidence(scores, best, temperature),
    scores,
    stage,
  };
}

/**
 * The prediction of an image from its first stage's decision values, when the first stage is the one that answers
 * it (a one-stage model, or a two-stage model's first stage sure enough: routing.ts); undefined when the second
 * stage must read it. Where defined, the same Prediction, bit for bit, as {@link predictBatch} gives the image
 * whose first-stage values these are: a caller that has them (the number reader ranks pieces by them) classifies
 * again only the images the second stage reads.
 * @param scores the first stage's ten decision values of the preprocessed image (an engine's `decisionValues`)
 * @example const answer = firstStageAnswer(model, scores) ?? predictBatch(model, [image], engine)[0];
 */
export function firstStageAnswer(model: SvmModel, scores: readonly number[]): Prediction | undefined {
  const second = model.secondStage;
  if (second !== undefined && readsSecondStage(second.gap, scores)) return undefined;
  return toPrediction(model, [...scores], 1);
}

/**
 * Decision values of the ten digits for one image: sum_i coef[i][c] * K(sv_i, x) + bias[c], each support vector's
 * kernel value computed once and shared by the ten classes; a two-stage model's second stage gives them when its
 * first is unsure.
 * @param image 784 values 0..255, a 28x28 MNIST-style image (white ink on black, centred); the model's
 *   preprocessing (deskew) is applied here
 * @param engine the backend (see engine/); the plain-JavaScript reference when omitted. Every backend gives the
 *   same bits.
 */
export function decisionValues(model: SvmModel, image: ArrayLike<number>, engine?: ModelEngine): number[] {
  const x = new Uint8Array(model.dim);
  preprocess(model, image, x);
  const out = new Float64Array(10);
  engineFor(model, engine).stagedDecisionValues(x, 1, out, new Uint8Array(1));
  return Array.from(out);
}

/**
 * Classifies one 28x28 image.
 * @param image 784 values 0..255, MNIST form (see {@link decisionValues})
 * @param engine the backend; the plain-JavaScript reference when omitted
 * @example const { digit, confidence } = predict(model, pixels);
 */
export function predict(model: SvmModel, image: ArrayLike<number>, engine?: ModelEngine): Prediction {
  return predictBatch(model, [image], engine)[0] as Prediction;
}

/**
 * Classifies several images in one pass of the engine, both stages: the WebAssembly engine reads each block of
 * support vectors once for up to 16 images, and the moves of up to 4 images the second stage reads (all pieces of
 * one picture, all files of one upload). The same answers, bit for bit, as mapping {@link predict}.
 * @param images each 784 values 0..255, MNIST form (see {@link decisionValues})
 * @param engine the backend; the plain-JavaScript reference when omitted
 * @example const digits = predictBatch(model, pieces, engine).map((p) => p.digit);
 */
export function predictBatch(
  model: SvmModel,
  images: readonly ArrayLike<number>[],
  engine?: ModelEngine,
): Prediction[] {
  const dim = model.dim;
  const batch = new Uint8Array(images.length * dim);
  images.forEach((image, b) => preprocess(model, image, batch.subarray(b * dim, (b + 1) * dim)));
  const out = new Float64Array(images.length * 10);
  const stages = new Uint8Array(images.length);
  engineFor(model, engine).stagedDecisionValues(batch, images.length, out, stages);
  return images.map((_, b) =>
    toPrediction(model, Array.from(out.subarray(b * 10, b * 10 + 10)), stages[b] === 2 ? 2 : 1),
  );
}
