import { ImageError, normalizeDigit, resolveImageLimits } from '../image/index.js';
import { decodeGray } from '../image/decode-gray.js';
import type { ImageDecodeOptions } from '../image/decode.js';
import type { GrayImage } from '../image/gray.js';
import type { ImageLimits } from '../image/limits.js';
import type { ModelEngine } from '../ml/engine/types.js';
import type { SvmModel } from '../ml/model.js';
import type { Prediction } from '../ml/predict.js';
import { DEFAULT_READ_LIMITS, isDigitLike, readDigits, ReadError } from '../read/index.js';

/** An upload decoded for /v1/predict: the 28x28 the model reads, and the picture itself when digits are counted. */
export interface Decoded {
  readonly pixels: Uint8Array;
  readonly gray?: GrayImage;
}

/**
 * Decodes an upload once for both uses of /v1/predict: the whole picture as one 28x28 input (exactly what
 * imageToDigitInput gives), and the grey picture the number reader counts digits in.
 * @param bytes - The encoded PNG or JPEG.
 * @param limits - Decoding limits.
 * @returns Both.
 */
export function decodeForCount(
  bytes: Uint8Array,
  limits: Partial<ImageLimits>,
  decoding?: ImageDecodeOptions,
): Decoded {
  const { gray } = decodeGray(bytes, resolveImageLimits(limits), decoding);
  return { pixels: normalizeDigit(gray), gray };
}

/**
 * How many digits the number reader finds in a picture sent to /v1/predict, and the refusal of a picture that
 * holds none: a dot, specks, a scribble, a letter or a gradient is answered NO_DIGIT_FOUND rather than a digit
 * (the whole picture's 28x28 of a lone dot is read "8" with 99.8% confidence). The reader decides, with its
 * not-a-digit checks on every piece and its word rule; isDigitLike on the whole picture only words the message. Cost
 * on real single digits (bench/predict-honesty.ts, first 100 test digits, 7 renderings, 2026-12-04): 3 of 700
 * refused, all faint broken strokes (docs/API.md).
 * @param model - The loaded model.
 * @param gray - The decoded picture.
 * @param prediction - The model's answer for the whole picture's 28x28 input.
 * @param engine - The kernel engine.
 * @returns The number of digits found (at least 1); throws ImageError NO_DIGIT_FOUND when there is none.
 */
export function countDigits(
  model: SvmModel,
  gray: GrayImage,
  prediction: Prediction,
  engine: ModelEngine | undefined,
): number {
  let found: number;
  try {
    found = readDigits(gray, model, engine).digits.length;
  } catch (err) {
    if (!(err instanceof ReadError)) throw err;
    // More pieces or digits than a reading may cost: many digits, counted as the most one reading holds.
    if (err.code !== 'NO_DIGIT_FOUND') return DEFAULT_READ_LIMITS.maxDigits;
    found = 0;
  }
  if (found > 0) return found;
  throw new ImageError(
    'NO_DIGIT_FOUND',
    isDigitLike(prediction)
      ? 'no digit found: the ink in the picture is too small or too scattered to be a digit (a dot, specks, shading)'
      : 'no digit found: the ink in the picture does not look like a digit (a scribble, a letter, a sign or shading)',
  );
}
