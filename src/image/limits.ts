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
   * (about 20 B/px for JPEG component planes); 40 MP is a 48 MP-class phone photo's binned output and costs
   * under 1 GB at the worst.
   */
  readonly maxPixels: number;
}

/**
 * Default limits. 10 MiB matches the server's MAX_BODY_BYTES default; 16384 px per side is the largest
 * dimension common encoders (libjpeg-turbo, browsers' canvas) produce; 40 MP matches MAX_IMAGE_PIXELS.
 */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = Object.freeze({
  maxBytes: 10 * 1024 * 1024,
  maxWidth: 16_384,
  maxHeight: 16_384,
  maxPixels: 40_000_000,
});

/**
 * Fills unspecified limits from {@link DEFAULT_IMAGE_LIMITS} and rejects nonsense values.
 * @param limits partial overrides (for example from MAX_IMAGE_PIXELS)
 * @returns complete limits
 */
export function resolveImageLimits(limits: Partial<ImageLimits> = {}): ImageLimits {
  const resolved: ImageLimits = { ...DEFAULT_IMAGE_LIMITS, ...stripUndefined(limits) };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value < 1) throw new RangeError(`image limit ${name} must be a positive number, got ${value}`);
  }
  return resolved;
}

function stripUndefined(limits: Partial<ImageLimits>): Partial<ImageLimits> {
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) as Partial<ImageLimits>;
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
