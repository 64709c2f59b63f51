import type { ImageDecodeOptions } from '../image/decode.js';
import { imageToDigitInput } from '../image/index.js';
import type { ModelEngine } from '../ml/engine/types.js';
import type { SvmModel } from '../ml/model.js';
import { predict, predictBatch, type Prediction } from '../ml/predict.js';
import type { DigitResult, PredictOptions } from './predictor.js';
import { countDigits, decodeForCount, type Decoded } from './count-digits.js';

/**
 * Decodes, normalizes and classifies one uploaded image: the CPU-heavy part of a request, shared by the
 * in-process predictor and the worker threads so both give identical answers.
 * @param model - The loaded model.
 * @param bytes - The encoded PNG or JPEG file.
 * @param options - Decoding limits and whether to return the normalized input.
 * @param engine - The kernel engine made for `model` (e.g. WebAssembly SIMD); the JavaScript reference if omitted.
 * @param decoding - The runtime's PNG inflater (the worker threads give node:zlib's); pako if omitted.
 * @returns The prediction; throws `ImageError` for input that is not a usable digit image.
 */
export function runPrediction(
  model: SvmModel,
  bytes: Uint8Array,
  options: PredictOptions,
  engine?: ModelEngine,
  decoding?: ImageDecodeOptions,
): DigitResult {
  const started = performance.now();
  const decoded = normalizeUpload(bytes, options, decoding);
  const prediction = predict(model, decoded.pixels, engine);
  const digitsFound = count(model, decoded, prediction, engine);
  return toDigitResult(prediction, decoded.pixels, performance.now() - started, options, digitsFound);
}

/** One image of a batch: what it was sent, and its outcome. */
export interface BatchItem<T> {
  readonly key: T;
  readonly bytes: Uint8Array;
  readonly options: PredictOptions;
}

/**
 * Decodes and normalizes each image of a batch (a bad one fails alone), then classifies all the good ones in one
 * pass of the engine, which reads each block of support vectors once for several images. The answers are the
 * same bits as {@link runPrediction}'s, image by image; `ms` is the image's own decoding plus its share of the
 * batch's classification.
 * @param model - The loaded model.
 * @param items - The images, each with a key the caller uses to match answers.
 * @param engine - The kernel engine made for `model`; the JavaScript reference if omitted.
 * @param hooks.onStart - Called before each image is decoded (the worker pool records progress with it).
 * @param hooks.onError - Called at once for an image that cannot be read.
 * @param hooks.onClassify - Called once the images are decoded, before they are classified together.
 * @param decoding - The runtime's PNG inflater (see {@link runPrediction}).
 * @returns The results of the images that could be read, in order.
 */
export function runPredictionBatch<T>(
  model: SvmModel,
  items: readonly BatchItem<T>[],
  engine: ModelEngine | undefined,
  hooks: { onStart?: (key: T) => void; onError: (key: T, error: unknown) => void; onClassify?: () => void },
  decoding?: ImageDecodeOptions,
): { key: T; result: DigitResult }[] {
  const good: { item: BatchItem<T>; decoded: Decoded; ms: number }[] = [];
  for (const item of items) {
    hooks.onStart?.(item.key);
    const started = performance.now();
    try {
      good.push({
        item,
        decoded: normalizeUpload(item.bytes, item.options, decoding),
        ms: performance.now() - started,
      });
    } catch (err) {
      hooks.onError(item.key, err);
    }
  }
  if (good.length === 0) return [];
  hooks.onClassify?.();
  const started = performance.now();
  const predictions = predictBatch(
    model,
    good.map((g) => g.decoded.pixels),
    engine,
  );
  const share = (performance.now() - started) / good.length;
  const results: { key: T; result: DigitResult }[] = [];
  good.forEach((g, i) => {
    const prediction = predictions[i]!;
    // Counting reads the picture again with the number reader: its own time, charged to its own image.
    const counting = performance.now();
    try {
      const digitsFound = count(model, g.decoded, prediction, engine);
      const ms = g.ms + share + (performance.now() - counting);
      results.push({
        key: g.item.key,
        result: toDigitResult(prediction, g.decoded.pixels, ms, g.item.options, digitsFound),
      });
    } catch (err) {
      hooks.onError(g.item.key, err);
    }
  });
  return results;
}

function normalizeUpload(bytes: Uint8Array, options: PredictOptions, decoding?: ImageDecodeOptions): Decoded {
  const limits = { maxBytes: options.maxBytes, maxPixels: options.maxPixels };
  return options.countDigits
    ? decodeForCount(bytes, limits, decoding)
    : { pixels: imageToDigitInput(bytes, limits, decoding).pixels };
}

/** The digits in the picture, when asked for (see countDigits); undefined otherwise. */
function count(model: SvmModel, decoded: Decoded, prediction: Prediction, engine: ModelEngine | undefined) {
  return decoded.gray === undefined ? undefined : countDigits(model, decoded.gray, prediction, engine);
}

function toDigitResult(
  prediction: Prediction,
  pixels: Uint8Array,
  ms: number,
  options: PredictOptions,
  digitsFound: number | undefined,
): DigitResult {
  return {
    digit: prediction.digit,
    confidence: prediction.confidence,
    scores: prediction.scores,
    ms,
    ...(options.includeNormalized ? { normalized: pixels } : {}),
    ...(digitsFound === undefined ? {} : { digitsFound }),
  };
}
