import type { GrayImage } from '../../image/gray.js';
import { normalizeDigit } from '../../image/normalize.js';
import { skeletonize } from '../../image/skeleton.js';
import { morphOctagon } from '../../image/stroke.js';

/**
 * How a training digit is redrawn with another pen: `thicker` dilates its strokes by `radius` (28x28 pixels), like
 * a felt-tip or a fat canvas brush, which also closes small loops; `thinner` keeps only the ink above `level`
 * (0..1), like a fine pen that traces the stroke's core and drops its faint ends.
 */
export type PenVariant =
  | { readonly kind: 'thicker'; readonly radius: number }
  | { readonly kind: 'thinner'; readonly level: number }
  | { readonly kind: 'fine'; readonly width: number };

/** Enlargement the redrawing works at: enough for sub-pixel dilation radii and a sharp ramp at the core's edge. */
const UPSCALE = 3;
/** Width (in ink levels) of the anti-aliased ramp at the edge of a thin pen's stroke. */
const PEN_RAMP = 0.25;

/**
 * Redraws an MNIST digit with another pen, enlarged 3x (bilinear). This is the picture before normalization,
 * for tests and for looking at; {@link penVariantInput} is what training uses.
 * @param pixels 784 bytes, MNIST form
 * @param variant the pen
 * @returns an 84x84 (or larger, when dilated) ink image, values in [0, 1]
 */
export function redrawWithPen(pixels: Uint8Array, variant: PenVariant): GrayImage {
  const enlarged = upsampleDigit(pixels, UPSCALE);
  if (variant.kind === 'thicker') return morphOctagon(enlarged, variant.radius * UPSCALE);
  if (variant.kind === 'fine') return morphOctagon(skeletonize(enlarged), (variant.width * UPSCALE - 1) / 2);
  const from = variant.level - PEN_RAMP / 2;
  const data = new Float32Array(enlarged.data.length);
  for (let i = 0; i < data.length; i++)
    data[i] = Math.min(1, Math.max(0, ((enlarged.data[i] as number) - from) / PEN_RAMP));
  return { ...enlarged, data };
}

/**
 * A training digit as the model would see it had it been drawn with another pen and sent as a picture: redrawn,
 * then normalized by the same pipeline as every upload. Training on these teaches the model what that pipeline
 * cannot undo: loops a thick pen closed, faint ends a thin pen dropped.
 * @param pixels 784 bytes, MNIST form
 * @param variant the pen
 * @returns 784 bytes, MNIST form
 * @throws ImageError NO_DIGIT_FOUND when the pen leaves no ink (a thin pen on a very faint digit)
 */
export function penVariantInput(pixels: Uint8Array, variant: PenVariant): Uint8Array {
  return normalizeDigit(redrawWithPen(pixels, variant));
}

/**
 * Bilinear enlargement of a 28x28 digit by an integer factor, sampling at pixel centres. The source is read from a
 * copy with a rim of 0s (outside the digit is background) and each column's and row's source pixel and weight are
 * worked out once: the same arithmetic in the same order as per pixel, the same bits.
 */
function upsampleDigit(pixels: Uint8Array, factor: number): GrayImage {
  const size = 28 * factor;
  const data = new Float32Array(size * size);
  const stride = 30;
  const source = new Float64Array(stride * stride);
  for (let y = 0; y < 28; y++)
    for (let x = 0; x < 28; x++) source[(y + 1) * stride + x + 1] = (pixels[y * 28 + x] as number) / 255;
  // Per output column (and row): the padded index of the left (top) source pixel and the weight of the right one.
  const first = new Int32Array(size);
  const weight = new Float64Array(size);
  for (let x = 0; x < size; x++) {
    const s = (x + 0.5) / factor - 0.5;
    const s0 = Math.floor(s);
    first[x] = s0 + 1;
    weight[x] = s - s0;
  }
  for (let y = 0; y < size; y++) {
    const fy = weight[y] as number;
    const top = (first[y] as number) * stride;
    const bottom = top + stride;
    for (let x = 0; x < size; x++) {
      const fx = weight[x] as number;
      const x0 = first[x] as number;
      const upper = (source[top + x0] as number) * (1 - fx) + (source[top + x0 + 1] as number) * fx;
      const lower = (source[bottom + x0] as number) * (1 - fx) + (source[bottom + x0 + 1] as number) * fx;
      data[y * size + x] = upper * (1 - fy) + lower * fy;
    }
  }
  return { width: size, height: size, data };
}
