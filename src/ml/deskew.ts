import { MlError } from './errors.js';
import { imageMoments } from './moments.js';

/**
 * Keys' cubic convolution weight (a = -0.5), a local stand-in for the cubic spline the old app used: it is as sharp
 * and needs no global prefilter pass.
 */
function cubicWeight(x: number): number {
  const t = Math.abs(x);
  if (t <= 1) return (1.5 * t - 2.5) * t * t + 1;
  if (t < 2) return ((-0.5 * t + 2.5) * t - 4) * t + 2;
  return 0;
}

/**
 * Straightens a slanted digit with the moment-based deskew used for SVMs on MNIST: a shear
 * `alpha = cov(row, col) / var(row)` maps output (r, c) to input (r + o_r, c + alpha * r + o_c), with the offset
 * chosen so the centre of mass lands at the image centre (size / 2), then cubic interpolation (zero outside).
 * A blank image stays blank.
 *
 * @param src `size` x `size` row-major intensities 0..255
 * @param out destination of the same size; written completely, rounded and clamped to 0..255
 * @param size side length (28 for MNIST)
 * @returns `out`
 * @example deskew(image, new Uint8Array(784))
 */
export function deskew(src: ArrayLike<number>, out: Uint8Array, size = 28): Uint8Array {
  const n = size * size;
  if (src.length !== n || out.length !== n) {
    throw new MlError(
      'INVALID_ARGUMENT',
      `deskew needs ${size}x${size} = ${n} pixels in and out, got ${src.length} and ${out.length}`,
    );
  }
  const m = imageMoments(src, size, size);
  if (m.mass === 0) {
    out.fill(0);
    return out;
  }
  // A digit one pixel tall has no row variance; it has no slant to remove either.
  const alpha = m.varRow > 1e-12 ? m.covRowCol / m.varRow : 0;
  const centre = size / 2;
  const offRow = m.meanRow - centre;
  const offCol = m.meanCol - alpha * centre - centre;
  // Each source row's first and last non-zero column (first > last: a blank row). An output whose 4x4 window meets
  // no non-zero pixel sums zeros only, so it is 0 without its sixteen products.
  const first = new Int32Array(size).fill(size);
  const last = new Int32Array(size).fill(-1);
  for (let rr = 0; rr < size; rr++) {
    const rowBase = rr * size;
    for (let cc = 0; cc < size; cc++) {
      if ((src[rowBase + cc] as number) === 0) continue;
      if (first[rr] === size) first[rr] = cc;
      last[rr] = cc;
    }
  }
  const wr = new Float64Array(4);
  const wc = new Float64Array(4);
  out.fill(0);
  for (let r = 0; r < size; r++) {
    // Within one output row the source row and the fractional column shift are the same for every pixel,
    // so the 4x4 weights are computed once per row.
    const fr = r + offRow;
    const r0 = Math.floor(fr) - 1;
    for (let k = 0; k < 4; k++) wr[k] = cubicWeight(fr - (r0 + k));
    const shift = alpha * r + offCol;
    const c0base = Math.floor(shift) - 1;
    for (let k = 0; k < 4; k++) wc[k] = cubicWeight(shift - (c0base + k));
    // The window's rows inside the image, and the non-zero columns they hold between them.
    const iFrom = Math.max(0, -r0);
    const iTo = Math.min(4, size - r0);
    let lo = size;
    let hi = -1;
    for (let i = iFrom; i < iTo; i++) {
      lo = Math.min(lo, first[r0 + i] as number);
      hi = Math.max(hi, last[r0 + i] as number);
    }
    if (hi < 0) continue;
    const w0 = wc[0] as number;
    const w1 = wc[1] as number;
    const w2 = wc[2] as number;
    const w3 = wc[3] as number;
    const cTo = Math.min(size - 1, hi - c0base);
    for (let c = Math.max(0, lo - 3 - c0base); c <= cTo; c++) {
      const c0 = c + c0base;
      const inside = c0 >= 0 && c0 + 3 < size;
      let acc = 0;
      for (let i = iFrom; i < iTo; i++) {
        const rr = r0 + i;
        // A row with no non-zero pixel under the window adds a zero to acc, which changes no sum: left out.
        if ((last[rr] as number) < c0 || (first[rr] as number) > c0 + 3) continue;
        const rowBase = rr * size;
        let rowAcc = 0;
        if (inside) {
          // The four taps added in order from 0, as the loop below adds them.
          const at = rowBase + c0;
          rowAcc += w0 * (src[at] as number);
          rowAcc += w1 * (src[at + 1] as number);
          rowAcc += w2 * (src[at + 2] as number);
          rowAcc += w3 * (src[at + 3] as number);
        } else {
          for (let j = 0; j < 4; j++) {
            const cc = c0 + j;
            if (cc < 0 || cc >= size) continue;
            rowAcc += (wc[j] as number) * (src[rowBase + cc] as number);
          }
        }
        acc += (wr[i] as number) * rowAcc;
      }
      out[r * size + c] = acc <= 0 ? 0 : acc >= 255 ? 255 : Math.round(acc);
    }
  }
  return out;
}

/**
 * Deskews `count` consecutive `size` x `size` images.
 * @returns a new array of the same length as `images`
 */
export function deskewAll(images: Uint8Array, count: number, size = 28): Uint8Array {
  const n = size * size;
  if (images.length !== count * n) {
    throw new MlError(
      'INVALID_ARGUMENT',
      `deskewAll: expected ${count} x ${n} = ${count * n} bytes, got ${images.length}`,
    );
  }
  const out = new Uint8Array(images.length);
  for (let i = 0; i < count; i++) deskew(images.subarray(i * n, (i + 1) * n), out.subarray(i * n, (i + 1) * n), size);
  return out;
}
