import { beforeAll, describe, expect, it } from 'vitest';
import { encodeGrayPng } from '../../src/image/index.js';
import type { SvmModel } from '../../src/ml/model.js';
import { loadModelFile } from '../../src/node/model-file.js';
import type { PredictOptions } from '../../src/server/predictor.js';
import { runPrediction } from '../../src/server/run-prediction.js';
import { numberPicture } from '../helpers/numbers.js';
import { mnistPng } from './fixtures.js';

/** What /v1/predict's prediction step answers with `countDigits` (see count-digits.ts), with the shipped model. */

const OPTIONS: PredictOptions = { maxBytes: 1 << 22, maxPixels: 1 << 24, includeNormalized: false, countDigits: true };
let model: SvmModel;
beforeAll(async () => {
  model = (await loadModelFile()).model;
});

/** A white picture with black squares at the given places. */
function dots(width: number, height: number, squares: readonly [number, number, number][]): Uint8Array {
  const pixels = new Uint8Array(width * height).fill(255);
  for (const [x0, y0, size] of squares)
    for (let y = y0; y < y0 + size; y++) for (let x = x0; x < x0 + size; x++) pixels[y * width + x] = 0;
  return encodeGrayPng(pixels, width, height);
}

describe('runPrediction with countDigits', () => {
  it('counts one digit in a picture of one digit, and answers it as /api does', () => {
    for (let i = 0; i < 10; i++) {
      const { png } = mnistPng(i);
      const counted = runPrediction(model, png, OPTIONS);
      const plain = runPrediction(model, png, { ...OPTIONS, countDigits: false });
      expect(counted.digitsFound).toBe(1);
      expect(counted.digit).toBe(plain.digit);
      expect(plain.digitsFound).toBeUndefined();
    }
  });

  it('counts the digits of a number', () => {
    const result = runPrediction(model, numberPicture([0, 1, 2, 3], { gap: 16 }).png, OPTIONS);
    expect(result.digitsFound).toBe(4);
  });

  it('refuses a lone dot with NO_DIGIT_FOUND rather than a digit (its 28x28 alone reads "8", confidently)', () => {
    expect(() => runPrediction(model, dots(200, 200, [[96, 96, 8]]), OPTIONS)).toThrow(
      expect.objectContaining({ code: 'NO_DIGIT_FOUND' }),
    );
  });
});
