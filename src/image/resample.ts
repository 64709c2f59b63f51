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
  const tmp = new Float32Array(outWidth * rect.height);
  for (let y = 0; y < rect.height; y++) {
    const row = (rect.y + y) * image.width + rect.x;
    if (outWidth === rect.width) {
      // Each span is the one pixel under it with weight 1: the sum is 0 + 1 * v, that is 0 + v (a -0 becomes +0).
      for (let o = 0; o < outWidth; o++) tmp[y * outWidth + o] = 0 + (image.data[row + o] as number);
      continue;
    }
    for (let o = 0; o < outWidth; o++) {
      const w = xw[o] as Span;
      let sum = 0;
      for (let k = 0; k < w.weights.length; k++)
        sum += (w.weights[k] as number) * (image.data[row + w.start + k] as number);
      tmp[y * outWidth + o] = sum;
    }
  }
  const out = createGray(outWidth, outHeight);
  if (outHeight === rect.height) {
    // As above: 0 + 1 * v, the sum the general loop forms.
    for (let i = 0; i < tmp.length; i++) out.data[i] = 0 + (tmp[i] as number);
    return out;
  }
  for (let o = 0; o < outHeight; o++) {
    const w = yw[o] as Span;
    for (let x = 0; x < outWidth; x++) {
      let sum = 0;
      for (let k = 0; k < w.weights.length; k++)
        sum += (w.weights[k] as number) * (tmp[(w.start + k) * outWidth + x] as number);
      out.data[o * outWidth + x] = sum;
    }
  }
  return out;
}

interface Span {
  readonly start: number;
  readonly weights: Float64Array;
}

/** For each output index, the first source index it overlaps and the normalized overlap of each source pixel. */
function weights(inSize: number, outSize: number): Span[] {
  const scale = inSize / outSize;
  const spans: Span[] = [];
  for (let o = 0; o < outSize; o++) {
    const lo = o * scale;
    const hi = Math.min(inSize, (o + 1) * scale);
    const start = Math.floor(lo);
    const end = Math.min(inSize, Math.ceil(hi));
    const w = new Float64Array(Math.max(1, end - start));
    for (let i = start; i < end; i++) w[i - start] = Math.min(hi, i + 1) - Math.max(lo, i);
    const total = w.reduce((a, b) => a + b, 0);
    for (let i = 0; i < w.length; i++) w[i] = total > 0 ? (w[i] as number) / total : 1 / w.length;
    spans.push({ start: Math.min(start, inSize - 1), weights: w });
  }
  return spans;
}
