import { imageToDigitInput } from '../image/index.js';
import type { ModelEngine } from '../ml/engine/types.js';
import type { SvmModel } from '../ml/model.js';
import { predict } from '../ml/predict.js';
import type { DigitResult, PredictOptions } from './predictor.js';

/**
 * Decodes, normalizes and classifies one uploaded image: the CPU-heavy part of a request, shared by the
 * in-process predictor and the worker threads so both give identical answers.
 * @param model - The loaded model.
 * @param bytes - The encoded PNG or JPEG file.
 * @param options - Decoding limits and whether to return the normalized input.
 * @param engine - The kernel engine made for `model` (e.g. WebAssembly SIMD); the JavaScript reference if omitted.
 * @returns The prediction; throws `ImageError` for input that is not a usable digit image.
 */
export function runPrediction(model: SvmModel, bytes: Uint8Array, options: PredictOptions, engine?: ModelEngine): DigitResult {
  const started = performance.now();
  const input = imageToDigitInput(bytes, { maxBytes: options.maxBytes, maxPixels: options.maxPixels });
  const prediction = predict(model, input.pixels, engine);
  const ms = performance.now() - started;
  return {
    digit: prediction.digit,
    confidence: prediction.confidence,
    scores: prediction.scores,
    ms,
    ...(options.includeNormalized ? { normalized: input.pixels } : {}),
  };
}
