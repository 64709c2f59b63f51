import { createGray, type GrayImage } from './gray.js';

/**
 * Enlarges an ink image by an integer factor with Catmull-Rom cubic interpolation (Keys 1981, a = -0.5), separable,
 * pixel centres aligned ((x + 0.5) / factor - 0.5), zero ink outside the image. A small or blocky digit becomes
 * smooth strokes rather than the staircase area averaging (a box filter) makes of it; the cubic keeps edges
 * sharper than bilinear interpolation does. Overshoot is clamped to [0, 1].
 * @param image ink in [0, 1]
 * @param factor whole enlargement factor (>= 1)
 * @returns the enlarged image, `factor` times wider and taller
 */
export function upsampleCubic(image: GrayImage, factor: number): GrayImage {
  if (factor <= 1) return image;
  const { width: w, height: h } = image;
  const taps = cubicTaps(factor);
  const at = (x: number, y: number): number =>
    x < 0 || y < 0 || x >= w || y >= h ? 0 : (image.data[y * w + x] as number);
  const rows = createGray(w * factor, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w * factor; x++) {
      const { base, weights } = taps[x % factor] as Taps;
      const sx = Math.floor(x / factor) + base;
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += (weights[k] as number) * at(sx + k, y);
      rows.data[y * rows.width + x] = sum;
    }
  }
  const out = createGray(w * factor, h * factor);
  const rowAt = (x: number, y: number): number => (y < 0 || y >= h ? 0 : (rows.data[y * rows.width + x] as number));
  for (let y = 0; y < h * factor; y++) {
    const { base, weights } = taps[y % factor] as Taps;
    const sy = Math.floor(y / factor) + base;
    for (let x = 0; x < out.width; x++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += (weights[k] as number) * rowAt(x, sy + k);
      out.data[y * out.width + x] = Math.min(1, Math.max(0, sum));
    }
  }
  return out;
}

interface Taps {
  /** Offset of the first of the 4 source pixels from the output pixel's source pixel. */
  readonly base: number;
  readonly weights: readonly number[];
}

/** The 4 Catmull-Rom weights for each of the `factor` phases of an output pixel within its source pixel. */
function cubicTaps(factor: number): Taps[] {
  return Array.from({ length: factor }, (_, phase) => {
    const s = (phase + 0.5) / factor - 0.5; // position relative to the source pixel's centre, in [-0.5, 0.5)
    const first = Math.floor(s) - 1;
    const weights = [0, 1, 2, 3].map((k) => keys(s - (first + k)));
    return { base: first, weights };
  });
}

/** Keys' cubic convolution kernel with a = -0.5 (Catmull-Rom). */
function keys(t: number): number {
  const x = Math.abs(t);
  if (x < 1) return 1.5 * x ** 3 - 2.5 * x ** 2 + 1;
  if (x < 2) return -0.5 * x ** 3 + 2.5 * x ** 2 - 4 * x + 2;
  return 0;
}
