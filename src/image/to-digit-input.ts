import type { ImageDecodeOptions } from './decode.js';
import { decodeGray } from './decode-gray.js';
import type { ImageFormat } from './format.js';
import { resolveImageLimits, type ImageLimits } from './limits.js';
import { normalizeDigit } from './normalize.js';

/** What the model sees for one uploaded picture, and where it came from. */
export interface DigitInput {
  /** 784 bytes, 28x28 row-major, white ink on black, 0..255: MNIST's representation. */
  readonly pixels: Uint8Array;
  readonly source: { readonly format: ImageFormat; readonly width: number; readonly height: number };
}

/**
 * Decodes an uploaded PNG or JPEG and normalizes the digit in it into MNIST form.
 * @param bytes the encoded file (any size, polarity, colour, transparency)
 * @param limits overrides of {@link DEFAULT_IMAGE_LIMITS}
 * @param decoding the inflater for PNG data (see ImageDecodeOptions); pako when omitted
 * @returns the 28x28 input and the source's format and size
 * @throws ImageError with code EMPTY_INPUT, UNSUPPORTED_FORMAT, CORRUPT_IMAGE, IMAGE_TOO_LARGE or NO_DIGIT_FOUND
 * @example
 * const { pixels } = imageToDigitInput(new Uint8Array(await file.arrayBuffer()));
 * const { digit } = predict(model, pixels);
 */
export function imageToDigitInput(
  bytes: Uint8Array,
  limits?: Partial<ImageLimits>,
  decoding?: ImageDecodeOptions,
): DigitInput {
  const { format, gray } = decodeGray(bytes, resolveImageLimits(limits), decoding);
  return {
    pixels: normalizeDigit(gray),
    source: { format, width: gray.width, height: gray.height },
  };
}
