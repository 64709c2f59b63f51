import { createGray, type GrayImage } from './gray.js';

/**
 * Stroke widths (in 28x28 pixels, measured by {@link strokeWidth}) between which a digit is left alone: the 10th
 * and 90th percentiles of the MNIST test images (1.36 and 2.59; `npx tsx bench/robustness.ts --stroke`).
 * Outside, the strokes are thinned or thickened to the nearest bound, so a felt-tip digit on a canvas or a
 * hairline pen stroke looks like the pencil strokes the model learned, while MNIST's own variety is kept.
 */
export const MNIST_STROKE_RANGE = { min: 1.36, max: 2.59 } as const;

/**
 * Mean stroke width of a 28x28 digit: 2 x area / perimeter of the pixels >= 128 (a stroke of length L and
 * width w has area Lw and perimeter about 2L).
 * @param pixels 784 bytes, MNIST form
 * @returns the width in pixels; 0 for an empty image
 */
export function strokeWidth(pixels: Uint8Array): number {
  const on = (x: number, y: number): boolean => x >= 0 && y >= 0 && x < 28 && y < 28 && (pixels[y * 28 + x] as number) >= 128;
  let area = 0;
  let perimeter = 0;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      if (!on(x, y)) continue;
      area++;
      perimeter += (on(x + 1, y) ? 0 : 1) + (on(x - 1, y) ? 0 : 1) + (on(x, y + 1) ? 0 : 1) + (on(x, y - 1) ? 0 : 1);
    }
  }
  return perimeter > 0 ? (2 * area) / perimeter : 0;
}

/**
 * Grey-level dilation (radius > 0: max over a square of side 2r+1) or erosion (radius < 0: min), on an image
 * padded by the radius so dilated strokes are not cut at the border. Separable (rows, then columns), so the cost
 * is O(pixels x radius) rather than O(pixels x radius^2). A fractional radius blends the two nearest whole radii,
 * so corrections below one pixel still act.
 * @param image ink image
 * @param radius half-width in pixels
 * @returns the padded, filtered image
 */
export function morphSquare(image: GrayImage, radius: number): GrayImage {
  const r = Math.abs(radius);
  const pad = radius > 0 ? Math.ceil(r) : 0;
  const lower = squareFilter(image, Math.floor(r), radius > 0, pad);
  const fraction = r - Math.floor(r);
  if (fraction === 0) return lower;
  const upper = squareFilter(image, Math.ceil(r), radius > 0, pad);
  for (let i = 0; i < lower.data.length; i++) {
    lower.data[i] = (1 - fraction) * (lower.data[i] as number) + fraction * (upper.data[i] as number);
  }
  return lower;
}

function squareFilter(image: GrayImage, r: number, dilate: boolean, pad: number): GrayImage {
  const w = image.width + 2 * pad;
  const h = image.height + 2 * pad;
  const padded = createGray(w, h);
  for (let y = 0; y < image.height; y++) padded.data.set(image.data.subarray(y * image.width, (y + 1) * image.width), (y + pad) * w + pad);
  const pick = dilate ? Math.max : Math.min;
  const outside = 0; // beyond the border is background (no ink)
  const rows = createGray(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let best = padded.data[y * w + x] as number;
      for (let k = 1; k <= r; k++) {
        best = pick(best, x - k >= 0 ? (padded.data[y * w + x - k] as number) : outside, x + k < w ? (padded.data[y * w + x + k] as number) : outside);
      }
      rows.data[y * w + x] = best;
    }
  }
  const out = createGray(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let best = rows.data[y * w + x] as number;
      for (let k = 1; k <= r; k++) {
        best = pick(best, y - k >= 0 ? (rows.data[(y - k) * w + x] as number) : outside, y + k < h ? (rows.data[(y + k) * w + x] as number) : outside);
      }
      out.data[y * w + x] = best;
    }
  }
  return out;
}
