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
  return octagonSeries(image, 0)(radius);
}

/**
 * {@link morphOctagon} of one image at several radii, asked for in turn: the passes are kept, so radii of the same
 * sign share their common passes (pass k depends only on pass k - 1), and each result is bit-identical to
 * morphOctagon's. normalizeDigit refines its stroke correction this way: its three radii cost the passes of the
 * largest instead of the sum of all three.
 * @param image ink image (not modified, and not to be modified while the series is used)
 * @param spare extra padding kept for later, larger dilations (a dilation beyond it starts the passes afresh)
 * @returns morphOctagon(image, radius) for any radius, each a new image
 */
export function octagonSeries(image: GrayImage, spare = 2): (radius: number) => GrayImage {
  let dilations: Passes | undefined;
  let erosions: Passes | undefined;
  return (radius) => {
    const r = Math.abs(radius);
    const dilate = radius > 0;
    const n = Math.ceil(r);
    let passes = dilate ? dilations : erosions;
    if (passes === undefined || passes.pad < (dilate ? n : 0)) {
      passes = startPasses(image, dilate ? n + spare : 0, dilate);
      if (dilate) dilations = passes;
      else erosions = passes;
    }
    while (passes.images.length <= n) passes.images.push(nextPass(passes, passes.images.length % 2 === 1));
    // The padding morphOctagon would have used is ceil(r) (dilation) or none: cut the spare margin away.
    const cut = passes.pad - (dilate ? n : 0);
    const current = passes.images[n] as Pass;
    const fraction = r - Math.floor(r);
    const width = passes.width - 2 * cut;
    const height = passes.height - 2 * cut;
    const out = createGray(width, height);
    // current is the ceil(r) result, lower the floor(r) one.
    const lower = fraction === 0 ? current : (passes.images[n - 1] as Pass);
    for (let y = 0; y < height; y++) {
      const o = y * width;
      const from = (y + cut) * passes.width + cut;
      if (fraction === 0) {
        out.data.set(current.data.subarray(from, from + width), o);
        continue;
      }
      for (let x = 0; x < width; x++)
        out.data[o + x] =
          (1 - fraction) * (lower.data[from + x] as number) + fraction * (current.data[from + x] as number);
    }
    return out;
  };
}

/** One pass's result and a box outside which every pixel is +0. */
interface Pass {
  readonly data: Float32Array;
  readonly box: Box | undefined;
}

/** The passes of one image and one direction so far: images[0] is the padded image, images[k] after k passes. */
interface Passes {
  readonly width: number;
  readonly height: number;
  readonly pad: number;
  readonly dilate: boolean;
  readonly images: Pass[];
  /** The square pass's row results, reused by every square pass. */
  readonly rows: Float32Array;
}

function startPasses(image: GrayImage, pad: number, dilate: boolean): Passes {
  const width = image.width + 2 * pad;
  const height = image.height + 2 * pad;
  const data = new Float32Array(width * height);
  for (let y = 0; y < image.height; y++)
    data.set(image.data.subarray(y * image.width, (y + 1) * image.width), (y + pad) * width + pad);
  const box = nonZeroBox(data, width, 0, 0, width - 1, height - 1);
  return { width, height, pad, dilate, images: [{ data, box }], rows: new Float32Array(width * height) };
}

/**
 * One 3x3 max/min pass over the last image of `passes`: the full square, or only the cross (4-neighbours). Outside
 * the image is background (0). The square is computed as a row pass then a column pass (max and min are separable
 * and pick existing values, so the result is bit-identical to the 9-pixel window). Only the box of non-zero pixels
 * and a 1-pixel rim is filtered: beyond it every window holds only +0, so the output's +0 is already there (a
 * digit fills about half of its padded picture). The image's edge columns and rows are handled apart from the
 * inner ones, whose loops then test nothing per pixel. Values are combined in the same order as ever, so even the
 * sign of a zero is kept.
 */
function nextPass(passes: Passes, square: boolean): Pass {
  const { width: w, height: h, dilate, rows } = passes;
  const { data: src, box } = passes.images[passes.images.length - 1] as Pass;
  const dst = new Float32Array(w * h);
  if (box === undefined) return { data: dst, box };
  const x0 = Math.max(0, box.x0 - 1);
  const x1 = Math.min(w - 1, box.x1 + 1);
  const y0 = Math.max(0, box.y0 - 1);
  const y1 = Math.min(h - 1, box.y1 + 1);
  if (square) {
    // Rows outside the box are 0 after the row pass: clear the reused buffer's rows the column pass reads.
    rows.fill(0, Math.max(0, y0 - 1) * w, Math.min(h, y1 + 2) * w);
    for (let y = box.y0; y <= box.y1; y++) filterRow(src, rows, y * w, x0, x1, w, dilate);
    for (let y = y0; y <= y1; y++) {
      const o = y * w;
      if (dilate) {
        if (y > 0 && y < h - 1) for (let x = x0; x <= x1; x++) dst[o + x] = max3(rows, o + x - w, o + x, o + x + w);
        else
          for (let x = x0; x <= x1; x++) {
            const up = y > 0 ? (rows[o - w + x] as number) : 0;
            const down = y < h - 1 ? (rows[o + w + x] as number) : 0;
            const c = rows[o + x] as number;
            const m = up > c ? up : c;
            dst[o + x] = m > down ? m : down;
          }
      } else if (y > 0 && y < h - 1)
        for (let x = x0; x <= x1; x++) dst[o + x] = min3(rows, o + x - w, o + x, o + x + w);
      else
        for (let x = x0; x <= x1; x++) {
          const up = y > 0 ? (rows[o - w + x] as number) : 0;
          const down = y < h - 1 ? (rows[o + w + x] as number) : 0;
          const c = rows[o + x] as number;
          const m = up < c ? up : c;
          dst[o + x] = m < down ? m : down;
        }
    }
  } else {
    for (let y = y0; y <= y1; y++) {
      const o = y * w;
      for (let x = x0; x <= x1; x++) {
        const left = x > 0 ? (src[o + x - 1] as number) : 0;
        const right = x < w - 1 ? (src[o + x + 1] as number) : 0;
        const up = y > 0 ? (src[o - w + x] as number) : 0;
        const down = y < h - 1 ? (src[o + w + x] as number) : 0;
        let v = src[o + x] as number;
        if (dilate) {
          v = v > left ? v : left;
          v = v > right ? v : right;
          v = v > up ? v : up;
          dst[o + x] = v > down ? v : down;
        } else {
          v = v < left ? v : left;
          v = v < right ? v : right;
          v = v < up ? v : up;
          dst[o + x] = v < down ? v : down;
        }
      }
    }
  }
  return { data: dst, box: nonZeroBox(dst, w, x0, y0, x1, y1) };
}

/** The row pass of a square: max (or min) of left, centre and right, in that order, for x in [x0, x1] of one row. */
function filterRow(
  src: Float32Array,
  rows: Float32Array,
  o: number,
  x0: number,
  x1: number,
  w: number,
  dilate: boolean,
): void {
  for (let x = x0; x <= x1; x++) {
    const left = x > 0 ? (src[o + x - 1] as number) : 0;
    const right = x < w - 1 ? (src[o + x + 1] as number) : 0;
    const c = src[o + x] as number;
    if (dilate) {
      const m = left > c ? left : c;
      rows[o + x] = m > right ? m : right;
    } else {
      const m = left < c ? left : c;
      rows[o + x] = m < right ? m : right;
    }
  }
}

/** max(max(a[i], a[j]), a[k]), picking as `p > q ? p : q` does (the later value on a tie, so -0 and +0 keep). */
function max3(a: Float32Array, i: number, j: number, k: number): number {
  const p = a[i] as number;
  const q = a[j] as number;
  const r = a[k] as number;
  const m = p > q ? p : q;
  return m > r ? m : r;
}

/** min(min(a[i], a[j]), a[k]), picking as `p < q ? p : q` does. */
function min3(a: Float32Array, i: number, j: number, k: number): number {
  const p = a[i] as number;
  const q = a[j] as number;
  const r = a[k] as number;
  const m = p < q ? p : q;
  return m < r ? m : r;
}

interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/**
 * The box of the pixels that are not +0 within [x0, x1] x [y0, y1] of a `w`-wide image (a -0 counts as non-zero:
 * the filter must see it to keep its sign), or undefined when every pixel there is +0.
 */
function nonZeroBox(data: Float32Array, w: number, x0: number, y0: number, x1: number, y1: number): Box | undefined {
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  let bx0 = x1 + 1;
  let by0 = y1 + 1;
  let bx1 = -1;
  let by1 = -1;
  for (let y = y0; y <= y1; y++) {
    const o = y * w;
    let first = -1;
    let last = -1;
    for (let x = x0; x <= x1; x++) {
      if (bits[o + x] !== 0) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    if (y < by0) by0 = y;
    by1 = y;
    if (first < bx0) bx0 = first;
    if (last > bx1) bx1 = last;
  }
  return bx1 < 0 ? undefined : { x0: bx0, y0: by0, x1: bx1, y1: by1 };
}
