import type { GrayImage } from '../../image/gray.js';

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
  const on = Uint8Array.from(image.data, (v) => (v > level ? 1 : 0));
  const at = (x: number, y: number): number => (x < 0 || y < 0 || x >= w || y >= h ? 0 : (on[y * w + x] as number));
  for (let changed = true; changed;) {
    changed = false;
    for (const step of [0, 1]) {
      const remove: number[] = [];
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          if (!on[y * w + x]) continue;
          // Neighbours clockwise from north: P2..P9, as locals (an array per pixel was a third of the time).
          const p2 = at(x, y - 1);
          const p3 = at(x + 1, y - 1);
          const p4 = at(x + 1, y);
          const p5 = at(x + 1, y + 1);
          const p6 = at(x, y + 1);
          const p7 = at(x - 1, y + 1);
          const p8 = at(x - 1, y);
          const p9 = at(x - 1, y - 1);
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
          remove.push(y * w + x);
        }
      }
      for (const i of remove) on[i] = 0;
      // Zhang-Suen's known flaw: all four pixels of a 2x2 block qualify at once and the stroke vanishes. A pixel
      // whose whole neighbourhood emptied in the same sub-pass stays, so no stroke is ever erased entirely.
      for (const i of remove) {
        const x = i % w;
        const y = (i - x) / w;
        let alone = true;
        for (let dy = -1; dy <= 1 && alone; dy++)
          for (let dx = -1; dx <= 1; dx++) if ((dx !== 0 || dy !== 0) && at(x + dx, y + dy)) alone = false;
        if (alone) on[i] = 1;
      }
      if (remove.some((i) => on[i] === 0)) changed = true;
    }
  }
  return { width: w, height: h, data: Float32Array.from(on) };
}
