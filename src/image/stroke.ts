import { createGray, type GrayImage } from './gray.js';

/**
 * MNIST's stroke widths (28x28 pixels, measured by {@link strokeWidth}) over the 10,000 test images: 10th
 * percentile, median, 90th percentile (`npx tsx bench/robustness.ts --stroke`). Digits inside [min, max] are left
 * alone, keeping MNIST's own variety; outside, felt-tip canvas strokes and hairline pens are brought back into it.
 */
export const MNIST_STROKE_RANGE = { min: 1.5, median: 2.0, max: 2.78 } as const;

/**
 * Mean stroke width of a 28x28 digit: 2 x ink / outline, where ink is the summed intensity (in full pixels) and the
 * outline the summed absolute differences between 4-neighbours (the image's total variation; for a black-and-white
 * image exactly its perimeter). A stroke of length L and width w has ink Lw and outline about 2L. No threshold, so
 * the measure moves smoothly with the intensities: a faint hairline measures thin, not 0, and two renderings that
 * differ by a grey level measure alike.
 * @param pixels 784 bytes, MNIST form
 * @returns the width in pixels; 0 for an empty image
 */
export function strokeWidth(pixels: Uint8Array): number {
  const at = (x: number, y: number): number =>
    x >= 0 && y >= 0 && x < 28 && y < 28 ? (pixels[y * 28 + x] as number) : 0;
  let ink = 0;
  let outline = 0;
  for (let y = -1; y < 28; y++) {
    for (let x = -1; x < 28; x++) {
      const v = at(x, y);
      if (x >= 0 && y >= 0) ink += v;
      outline += Math.abs(v - at(x + 1, y)) + Math.abs(v - at(x, y + 1));
    }
  }
  return outline > 0 ? (2 * ink) / outline : 0;
}

/**
 * Grey-level dilation (radius > 0: max) or erosion (radius < 0: min) with an octagon of the given radius, built
 * as r passes of 3x3 neighbourhoods alternating square and cross (the classic octagonal approximation of a disc:
 * round strokes stay round, at O(pixels x radius) cost instead of O(pixels x radius^2)). The image is padded by
 * the radius so dilated strokes are not cut at the border. A fractional radius blends the two nearest whole
 * radii, so corrections below one pixel still act.
 * @param image ink image
 * @param radius radius in pixels
 * @returns the padded, filtered image
 */
export function morphOctagon(image: GrayImage, radius: number): GrayImage {
  const r = Math.abs(radius);
  const dilate = radius > 0;
  const pad = dilate ? Math.ceil(r) : 0;
  let current = createGray(image.width + 2 * pad, image.height + 2 * pad);
  for (let y = 0; y < image.height; y++) {
    current.data.set(image.data.subarray(y * image.width, (y + 1) * image.width), (y + pad) * current.width + pad);
  }
  let lower = current;
  for (let pass = 1; pass <= Math.ceil(r); pass++) {
    lower = current;
    current = neighbourhoodPass(current, dilate, pass % 2 === 1);
  }
  const fraction = r - Math.floor(r);
  if (fraction === 0) return current;
  // current is the ceil(r) result, lower the floor(r) one.
  const out = createGray(current.width, current.height);
  for (let i = 0; i < out.data.length; i++)
    out.data[i] = (1 - fraction) * (lower.data[i] as number) + fraction * (current.data[i] as number);
  return out;
}

/**
 * One 3x3 max/min pass: the full square, or only the cross (4-neighbours). Outside the image is background (0).
 * The square is computed as a row pass then a column pass (max and min are separable and pick existing values,
 * so the result is bit-identical to the 9-pixel window), with the bounds tested per row instead of per pixel:
 * drawing 5,000 training pen variants went from 4.16 to 2.60 ms each (one thread, Intel Xeon), the same bytes.
 * Only the box of non-zero pixels and a 1-pixel rim is filtered: beyond it every window holds only 0, so the
 * output's 0 is already there (a digit fills about half of its padded picture).
 */
function neighbourhoodPass(image: GrayImage, dilate: boolean, square: boolean): GrayImage {
  const { width: w, height: h } = image;
  const src = image.data;
  const out = createGray(w, h);
  const dst = out.data;
  const box = nonZeroBox(image);
  if (box === undefined) return out;
  const x0 = Math.max(0, box.x0 - 1);
  const x1 = Math.min(w - 1, box.x1 + 1);
  const y0 = Math.max(0, box.y0 - 1);
  const y1 = Math.min(h - 1, box.y1 + 1);
  // One function for both, branching inside: a call site that sees two functions (max or min) is not inlined.
  const op = (a: number, b: number): number => (dilate ? (a > b ? a : b) : a < b ? a : b);
  if (square) {
    // Rows outside the box are 0 after the row pass too, as the zero-filled buffer already holds.
    const rows = createGray(w, h).data;
    for (let y = box.y0; y <= box.y1; y++) {
      const o = y * w;
      for (let x = x0; x <= x1; x++) {
        const left = x > 0 ? (src[o + x - 1] as number) : 0;
        const right = x < w - 1 ? (src[o + x + 1] as number) : 0;
        rows[o + x] = op(op(left, src[o + x] as number), right);
      }
    }
    for (let y = y0; y <= y1; y++) {
      const o = y * w;
      for (let x = x0; x <= x1; x++) {
        const up = y > 0 ? (rows[o - w + x] as number) : 0;
        const down = y < h - 1 ? (rows[o + w + x] as number) : 0;
        dst[o + x] = op(op(up, rows[o + x] as number), down);
      }
    }
    return out;
  }
  for (let y = y0; y <= y1; y++) {
    const o = y * w;
    for (let x = x0; x <= x1; x++) {
      const left = x > 0 ? (src[o + x - 1] as number) : 0;
      const right = x < w - 1 ? (src[o + x + 1] as number) : 0;
      const up = y > 0 ? (src[o - w + x] as number) : 0;
      const down = y < h - 1 ? (src[o + w + x] as number) : 0;
      dst[o + x] = op(op(op(op(src[o + x] as number, left), right), up), down);
    }
  }
  return out;
}

/**
 * The box of the pixels that are not +0 (a -0 counts as non-zero: the filter must see it to keep its sign), or
 * undefined when every pixel is +0.
 */
function nonZeroBox(image: GrayImage): { x0: number; y0: number; x1: number; y1: number } | undefined {
  const { width: w, height: h } = image;
  const bits = new Uint32Array(image.data.buffer, image.data.byteOffset, image.data.length);
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    const o = y * w;
    let first = -1;
    let last = -1;
    for (let x = 0; x < w; x++) {
      if (bits[o + x] !== 0) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    if (y < y0) y0 = y;
    y1 = y;
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
  }
  return x1 < 0 ? undefined : { x0, y0, x1, y1 };
}
