import type { ImageDecodeOptions } from '../image/decode.js';
import type { ModelEngine } from '../ml/engine/types.js';
import type { SvmModel } from '../ml/model.js';
import { readImage } from '../read/index.js';
import type { PredictOptions, ReadResult } from './predictor.js';

/**
 * Decodes one uploaded picture and reads every digit in it: the CPU-heavy part of a /v1/read request, shared by
 * the in-process predictor and the worker threads so both give identical answers. The reader's own limits
 * (DEFAULT_READ_LIMITS: pieces and digits) bound the search; the decoding limits are the server's, as for
 * /v1/predict.
 * @param model - The loaded model.
 * @param bytes - The encoded PNG or JPEG file.
 * @param options - Decoding limits and whether to keep each digit's 28x28 picture.
 * @param engine - The kernel engine made for `model` (e.g. WebAssembly SIMD); the JavaScript reference if omitted.
 * @param decoding - The runtime's PNG inflater (the worker threads give node:zlib's); pako if omitted.
 * @returns The reading; throws `ImageError` or `ReadError` for a picture that cannot be read.
 */
export function runRead(
  model: SvmModel,
  bytes: Uint8Array,
  options: PredictOptions,
  engine?: ModelEngine,
  decoding?: ImageDecodeOptions,
): ReadResult {
  const started = performance.now();
  const reading = readImage(bytes, model, engine, {
    image: { maxBytes: options.maxBytes, maxPixels: options.maxPixels },
    ...(decoding?.inflate === undefined ? {} : { inflate: decoding.inflate }),
  });
  const digits = options.includeNormalized
    ? reading.digits
    : reading.digits.map(({ normalized: _normalized, ...digit }) => digit);
  return { ...reading, digits, ms: performance.now() - started };
}
