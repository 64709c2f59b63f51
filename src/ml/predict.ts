import { deskew } from './deskew.js';
import { MlError } from './errors.js';
import { kernelFromDot } from './kernel.js';
import type { SvmModel } from './model.js';
import { softmaxConfidence } from './calibration.js';

function quartic(t: number): number {
  const t2 = t * t;
  return t2 * t2;
}

/** A model's answer for one image. */
export interface Prediction {
  /** The digit with the highest decision value. */
  readonly digit: number;
  /** Calibrated probability of `digit` (softmax of the scores at the model's fitted temperature), 0..1. */
  readonly confidence: number;
  /** The ten one-vs-rest decision values; index = digit. */
  readonly scores: number[];
}

/**
 * Decision values of the ten digits for one image. Each support vector's kernel value is computed once and shared
 * by all ten classes.
 * @param image 784 bytes, a 28x28 MNIST-style image (white ink on black, centred); the model's preprocessing
 *   (deskew) is applied here
 */
export function decisionValues(model: SvmModel, image: ArrayLike<number>): number[] {
  const dim = model.dim;
  if (image.length !== dim) {
    throw new MlError('INVALID_ARGUMENT', `predict needs a 28x28 image of ${dim} values, got ${image.length}`);
  }
  let x: ArrayLike<number> = image;
  if (model.preprocessing.deskew) x = deskew(image, new Uint8Array(dim));
  const count = model.supportVectorCount;
  const cols = model.supportVectorColumns;
  const dots = new Int32Array(count);
  // Only the image's non-zero pixels contribute (about a quarter of MNIST's); four at a time, as in
  // computeKernelRow, so each pass over the support vectors does four pixels' work.
  const nzIndex: number[] = [];
  const nzValue: number[] = [];
  for (let p = 0; p < dim; p++) {
    const v = Math.round(x[p] as number);
    if (v !== 0) {
      nzIndex.push(p * count);
      nzValue.push(v);
    }
  }
  let s = 0;
  for (; s + 3 < nzIndex.length; s += 4) {
    const b0 = nzIndex[s] as number;
    const b1 = nzIndex[s + 1] as number;
    const b2 = nzIndex[s + 2] as number;
    const b3 = nzIndex[s + 3] as number;
    const v0 = nzValue[s] as number;
    const v1 = nzValue[s + 1] as number;
    const v2 = nzValue[s + 2] as number;
    const v3 = nzValue[s + 3] as number;
    for (let i = 0; i < count; i++) {
      dots[i] =
        ((dots[i] as number) +
          v0 * (cols[b0 + i] as number) +
          v1 * (cols[b1 + i] as number) +
          v2 * (cols[b2 + i] as number) +
          v3 * (cols[b3 + i] as number)) |
        0;
    }
  }
  for (; s < nzIndex.length; s++) {
    const b = nzIndex[s] as number;
    const v = nzValue[s] as number;
    for (let i = 0; i < count; i++) dots[i] = ((dots[i] as number) + v * (cols[b + i] as number)) | 0;
  }
  const coef = model.coefficients;
  const scale = model.kernel.gamma / (255 * 255);
  const { coef0, degree } = model.kernel;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0, s8 = 0, s9 = 0;
  for (let i = 0; i < count; i++) {
    const k = degree === 4 ? quartic(scale * (dots[i] as number) + coef0) : kernelFromDot(dots[i] as number, model.kernel);
    const b = i * 10;
    s0 += (coef[b] as number) * k;
    s1 += (coef[b + 1] as number) * k;
    s2 += (coef[b + 2] as number) * k;
    s3 += (coef[b + 3] as number) * k;
    s4 += (coef[b + 4] as number) * k;
    s5 += (coef[b + 5] as number) * k;
    s6 += (coef[b + 6] as number) * k;
    s7 += (coef[b + 7] as number) * k;
    s8 += (coef[b + 8] as number) * k;
    s9 += (coef[b + 9] as number) * k;
  }
  const sums = [s0, s1, s2, s3, s4, s5, s6, s7, s8, s9];
  return model.biases.map((bias, c) => (sums[c] as number) + bias);
}

/**
 * Classifies one 28x28 image.
 * @param image 784 values 0..255, MNIST form (see {@link decisionValues})
 * @example const { digit, confidence } = predict(model, pixels);
 */
export function predict(model: SvmModel, image: ArrayLike<number>): Prediction {
  const scores = decisionValues(model, image);
  let best = 0;
  for (let c = 1; c < scores.length; c++) if ((scores[c] as number) > (scores[best] as number)) best = c;
  return {
    digit: model.classes[best] as number,
    confidence: softmaxConfidence(scores, best, model.calibration.temperature),
    scores,
  };
}

/** Classifies several images; the same as mapping {@link predict}. */
export function predictBatch(model: SvmModel, images: readonly ArrayLike<number>[]): Prediction[] {
  return images.map((image) => predict(model, image));
}
