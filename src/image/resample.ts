import { createGray, type GrayImage } from './gray.js';

/** An axis-aligned rectangle of whole pixels. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Resamples a rectangle of `image` to `outWidth` x `outHeight` by area averaging: each output pixel is the mean of
 * the source area it covers, with partial pixels weighted by their overlap. This is the anti-aliased box filter
 * that turns a sharp, binary high-resolution digit into MNIST's grey edges (LeCun et al. 1998, section III.A).
 * Separable: rows first, then columns.
 * @param image source image
 * @param rect source rectangle (inside the image)
 * @param outWidth output columns (>= 1)
 * @param outHeight output rows (>= 1)
 * @returns the resampled image
 */
export function areaResample(image: GrayImage, rect: Rect, outWidth: number, outHeight: number): GrayImage {
  const xw = weights(rect.width, outWidth);
  const yw = weights(rect.height, outHeight);
  const src = image.data;
  const tmp = new Float32Array(outWidth * rect.height);
  for (let y = 0; y < rect.height; y++) {
    const row = (rect.y + y) * image.width + rect.x;
    const at = y * outWidth;
    if (outWidth === rect.width) {
      // Each span is the one pixel under it with weight 1: the sum is 0 + 1 * v, that is 0 + v (a -0 becomes +0).
      for (let o = 0; o < outWidth; o++) tmp[at + o] = 0 + (src[row + o] as number);
      continue;
    }
    for (let o = 0; o < outWidth; o++) {
      const first = row + (xw.start[o] as number);
      const from = xw.offset[o] as number;
      const to = xw.offset[o + 1] as number;
      let sum = 0;
      for (let k = from; k < to; k++) sum += (xw.weight[k] as number) * (src[first + k - from] as number);
      tmp[at + o] = sum;
    }
  }
  const out = createGray(outWidth, outHeight);
  if (outHeight === rect.height) {
    // As above: 0 + 1 * v, the sum the general loop forms.
    for (let i = 0; i < tmp.length; i++) out.data[i] = 0 + (tmp[i] as number);
    return out;
  }
  // Each output row's sums are formed a source row at a time across the whole row (the same terms added in the same
  // order per pixel, in doubles, as a sum per pixel): the source rows are read along, not down.
  const sums = new Float64Array(outWidth);
  for (let o = 0; o < outHeight; o++) {
    sums.fill(0);
    const first = yw.start[o] as number;
    const from = yw.offset[o] as number;
    const to = yw.offset[o + 1] as number;
    for (let k = from; k < to; k++) {
      const w = yw.weight[k] as number;
      const row = (first + k - from) * outWidth;
      for (let x = 0; x < outWidth; x++) sums[x] = (sums[x] as number) + w * (tmp[row + x] as number);
    }
    const at = o * outWidth;
    for (let x = 0; x < outWidth; x++) out.data[at + x] = sums[x] as number;
  }
  return out;
}

/**
 * For each output index o, the source pixels it overlaps, start[o] onward, and their normalized overlaps,
 * weight[offset[o]] up to weight[offset[o + 1]] (flat arrays: the inner loops read them without an object per span).
 */
interface Spans {
  readonly start: Int32Array;
  readonly offset: Int32Array;
  readonly weight: Float64Array;
}

function weights(inSize: number, outSize: number): Spans {
  const scale = inSize / outSize;
  const start = new Int32Array(outSize);
  const offset = new Int32Array(outSize + 1);
  const spans: Float64Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const lo = o * scale;
    const hi = Math.min(inSize, (o + 1) * scale);
    const first = Math.floor(lo);
    const end = Math.min(inSize, Math.ceil(hi));
    const w = new Float64Array(Math.max(1, end - first));
    for (let i = first; i < end; i++) w[i - first] = Math.min(hi, i + 1) - Math.max(lo, i);
    const total = w.reduce((a, b) => a + b, 0);
    for (let i = 0; i < w.length; i++) w[i] = total > 0 ? (w[i] as number) / total : 1 / w.length;
    start[o] = Math.min(first, inSize - 1);
    offset[o + 1] = (offset[o] as number) + w.length;
    spans.push(w);
  }
  const weight = new Float64Array(offset[outSize] as number);
  spans.forEach((w, o) => weight.set(w, offset[o]));
  return { start, offset, weight };
}
