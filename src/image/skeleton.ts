import type { GrayImage } from './gray.js';

/**
 * The centre line of the strokes, one pixel wide: the ink above `level` thinned by Zhang & Suen's algorithm
 * ("A fast parallel algorithm for thinning digital patterns", CACM 1984), which peels boundary pixels in two
 * alternating sub-passes until only a connected skeleton is left. Drawing it with a small pen gives the same digit
 * written with a fine pen, every stroke kept.
 * @param image ink image, values in [0, 1]
 * @param level ink above this counts as stroke
 * @returns a same-sized image of 0s and 1s
 */
export function skeletonize(image: GrayImage, level = 0.5): GrayImage {
  const { width: w, height: h } = image;
  // The stroke mask with a 1-pixel rim of 0s (outside the image is background), so no neighbour needs a bounds
  // test; only the box of the stroke is scanned, as thinning never adds a pixel outside it.
  const stride = w + 2;
  const on = new Uint8Array(stride * (h + 2));
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  let strokes = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!((image.data[y * w + x] as number) > level)) continue;
      on[(y + 1) * stride + x + 1] = 1;
      strokes++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  const remove = new Int32Array(strokes);
  for (let changed = strokes > 0; changed;) {
    changed = false;
    for (const step of [0, 1]) {
      let removed = 0;
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const i = (y + 1) * stride + x + 1;
          if (!on[i]) continue;
          // Neighbours clockwise from north: P2..P9, as locals (an array per pixel was a third of the time).
          const p2 = on[i - stride] as number;
          const p3 = on[i - stride + 1] as number;
          const p4 = on[i + 1] as number;
          const p5 = on[i + stride + 1] as number;
          const p6 = on[i + stride] as number;
          const p7 = on[i + stride - 1] as number;
          const p8 = on[i - 1] as number;
          const p9 = on[i - stride - 1] as number;
          const count = p2 + p3 + p4 + p5 + p6 + p7 + p8 + p9;
          if (count < 2 || count > 6) continue;
          // 0 -> 1 transitions around the ring P2, P3, ..., P9, P2.
          const transitions =
            (p2 < p3 ? 1 : 0) +
            (p3 < p4 ? 1 : 0) +
            (p4 < p5 ? 1 : 0) +
            (p5 < p6 ? 1 : 0) +
            (p6 < p7 ? 1 : 0) +
            (p7 < p8 ? 1 : 0) +
            (p8 < p9 ? 1 : 0) +
            (p9 < p2 ? 1 : 0);
          if (transitions !== 1) continue;
          if (step === 0 ? p2 * p4 * p6 !== 0 || p4 * p6 * p8 !== 0 : p2 * p4 * p8 !== 0 || p2 * p6 * p8 !== 0)
            continue;
          remove[removed++] = i;
        }
      }
      for (let k = 0; k < removed; k++) on[remove[k] as number] = 0;
      // Zhang-Suen's known flaw: all four pixels of a 2x2 block qualify at once and the stroke vanishes. A pixel
      // whose whole neighbourhood emptied in the same sub-pass stays, so no stroke is ever erased entirely. In
      // removal order: a pixel kept here counts as a neighbour for the pixels after it.
      for (let k = 0; k < removed; k++) {
        const i = remove[k] as number;
        const alone =
          on[i - stride - 1] === 0 &&
          on[i - stride] === 0 &&
          on[i - stride + 1] === 0 &&
          on[i - 1] === 0 &&
          on[i + 1] === 0 &&
          on[i + stride - 1] === 0 &&
          on[i + stride] === 0 &&
          on[i + stride + 1] === 0;
        if (alone) on[i] = 1;
      }
      for (let k = 0; k < removed && !changed; k++) if (on[remove[k] as number] === 0) changed = true;
    }
  }
  const data = new Float32Array(w * h);
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) data[y * w + x] = on[(y + 1) * stride + x + 1] as number;
  return { width: w, height: h, data };
}
