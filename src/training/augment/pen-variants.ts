import type { GrayImage } from '../../image/gray.js';
import { normalizeDigit } from '../../image/normalize.js';
import { skeletonize } from './skeleton.js';
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
  const data = enlarged.data.map((v) => Math.min(1, Math.max(0, (v - from) / PEN_RAMP)));
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

/** Bilinear enlargement of a 28x28 digit by an integer factor, sampling at pixel centres. */
function upsampleDigit(pixels: Uint8Array, factor: number): GrayImage {
  const size = 28 * factor;
  const data = new Float32Array(size * size);
  const at = (x: number, y: number): number =>
    x < 0 || y < 0 || x >= 28 || y >= 28 ? 0 : (pixels[y * 28 + x] as number) / 255;
  for (let y = 0; y < size; y++) {
    const sy = (y + 0.5) / factor - 0.5;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    for (let x = 0; x < size; x++) {
      const sx = (x + 0.5) / factor - 0.5;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
      const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
      data[y * size + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return { width: size, height: size, data };
}
