import { isNumberIn } from '../shared/checks.js';
import { ConfigError } from '../shared/config-error.js';
import { ImageError } from './errors.js';

/** Bounds on untrusted images, checked from the header before any pixel buffer is allocated. */
export interface ImageLimits {
  /** Largest encoded input in bytes: bounds the copy of the file and the decoder's input buffers. */
  readonly maxBytes: number;
  /** Widest image in pixels: bounds one decoded row (scanline buffers, per-row allocations). */
  readonly maxWidth: number;
  /** Tallest image in pixels: bounds the number of rows the decoder walks. */
  readonly maxHeight: number;
  /**
   * Most pixels (width x height): bounds the decoded RGBA buffer (4 B/px) and the decoders' working memory
   * (about 35 B/px at the peak for a JPEG, measured in the container: docs/DEPLOY.md).
   */
  readonly maxPixels: number;
}

/**
 * 12 megapixels: a 4000x3000 phone photo, the default output of phone cameras (48 MP sensors bin to 12 MP).
 * At ~35 B/px one such decode peaks near 420 MB, so every deployment (Dockerfile, compose, Kubernetes, ECS)
 * uses this same value; the server's MAX_IMAGE_PIXELS defaults to it.
 */
export const DEFAULT_MAX_IMAGE_PIXELS = 12_000_000;

/**
 * Default limits. 10 MiB matches the server's MAX_BODY_BYTES default; 16384 px per side is the largest
 * dimension common encoders (libjpeg-turbo, browsers' canvas) produce.
 */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = Object.freeze({
  maxBytes: 10 * 1024 * 1024,
  maxWidth: 16_384,
  maxHeight: 16_384,
  maxPixels: DEFAULT_MAX_IMAGE_PIXELS,
});

/**
 * Fills unspecified limits from {@link DEFAULT_IMAGE_LIMITS} and rejects nonsense values.
 * @param limits partial overrides (for example from MAX_IMAGE_PIXELS)
 * @returns complete limits
 */
export function resolveImageLimits(limits: Partial<ImageLimits> = {}): ImageLimits {
  const resolved: ImageLimits = { ...DEFAULT_IMAGE_LIMITS, ...stripUndefined(limits) };
  for (const [name, value] of Object.entries(resolved)) {
    if (!isNumberIn(value, { min: 1 }))
      throw new ConfigError(`image limit ${name} must be a positive number, got ${value}`);
  }
  return resolved;
}

function stripUndefined(limits: Partial<ImageLimits>): Partial<ImageLimits> {
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
}

/**
 * Refuses an input whose byte length exceeds the limit (before even looking at the header).
 * @param byteLength length of the encoded input
 * @param limits resolved limits
 */
export function checkByteLength(byteLength: number, limits: ImageLimits): void {
  if (byteLength > limits.maxBytes) {
    throw new ImageError('IMAGE_TOO_LARGE', `the file is ${byteLength} bytes; the limit is ${limits.maxBytes} bytes`);
  }
}

/**
 * Refuses dimensions read from a header that exceed the limits; called before decoding.
 * @param width width from the header
 * @param height height from the header
 * @param limits resolved limits
 */
export function checkDimensions(width: number, height: number, limits: ImageLimits): void {
  if (width > limits.maxWidth || height > limits.maxHeight || width * height > limits.maxPixels) {
    throw new ImageError(
      'IMAGE_TOO_LARGE',
      `the image is ${width}x${height} pixels; the limits are ${limits.maxWidth}x${limits.maxHeight} and ` +
        `${limits.maxPixels} pixels in total`,
    );
  }
}
