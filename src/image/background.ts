import type { GrayImage } from './gray.js';
import { histogram, histogramQuantile, increment, otsuThreshold } from './stats.js';

/** Most pixels used for the surface fit; a regular subsample is plenty for 6 coefficients. */
const MAX_FIT_SAMPLES = 20_000;
/** Below this share of background pixels the fit is unreliable; fall back to a constant level. */
const MIN_BACKGROUND_SHARE = 0.2;
/** The paper's level is looked for among residuals below this: ink fainter than it is not legible ink anyway. */
const PAPER_SEARCH = 0.25;
/** Paper darker than this (of full scale) is not paper: avoids dividing by (near) zero in dark corners. */
const MIN_PAPER = 0.05;

/**
 * Removes the background, including smooth illumination changes (a phone photo of paper is brighter on one side,
 * darker in the corners): fits a quadratic surface a + bx + cy + dx^2 + exy + fy^2 by least squares to the
 * background pixels (the paper side of Otsu's threshold) and takes the ink relative to it. A quadratic cannot
 * follow strokes, so it never eats the digit the way a local-median background can on thick ink.
 *
 * Dark ink on paper is reflectance: what the camera sees is illumination x reflectance, so the ink is
 * 1 - luminance / paper (a shadow dims paper and ink alike and leaves this unchanged). Light ink on a dark
 * ground (MNIST itself, screenshots) is emitted or printed light, so it is luminance minus the ground.
 *
 * The paper's noise is measured on the same residuals, from the whole picture rather than a border ring, so it
 * holds when the ink touches every edge (a tight crop has ink, not paper, in its border): ink only ever lies on one
 * side of the background, so the residuals on the other side (paper brighter than the fitted surface, for dark
 * ink) are paper alone, half of a symmetric noise distribution. Their 80th percentile in magnitude is the paper
 * noise's 90th percentile, whatever the share of ink.
 * @param luminance the picture's luminance
 * @param darkInk whether the ink is darker than the background (from isDarkInk)
 * @returns ink strength in [0, 1] (background 0), and the paper's noise level on that scale
 */
export function flattenBackground(luminance: GrayImage, darkInk: boolean): FlatInk {
  const { width: w, height: h } = luminance;
  const threshold = otsuThreshold(histogram(luminance.data));
  // Anti-aliased stroke rims fall on the paper side of Otsu's threshold too and would bend the surface toward the
  // ink (and differently for dark and light ink). Only pixels nearer the paper's mean than the threshold are fitted.
  const { sum, count } = darkInk ? sumAtOrAbove(luminance.data, threshold) : sumBelow(luminance.data, threshold);
  const cut = count > 0 ? (threshold + sum / count) / 2 : threshold;
  const us = axisCoordinates(w);
  const vs = axisCoordinates(h);
  const surface = fitSurface(luminance, { darkInk, cut }, us, vs);
  const data = new Float32Array(w * h);
  const residual = new Float32Array(w * h);
  const lum = luminance.data;
  // The surface's level at each pixel is worked out as the pixel is flattened, rounded to float32 as the stored
  // level it replaces was: the same residuals, without writing and reading back a picture-sized array of levels.
  const c = surface.coefficients;
  const constant = Math.fround(surface.constant);
  for (let y = 0; y < h; y++) {
    const v = vs[y] as number;
    const vv = v * v;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let ground = constant;
      if (c !== undefined) {
        const u = us[x] as number;
        // The terms added in the basis's order from 0: the same bits as a loop over the basis.
        ground = Math.fround(
          0 +
            (c[0] as number) * 1 +
            (c[1] as number) * u +
            (c[2] as number) * v +
            (c[3] as number) * (u * u) +
            (c[4] as number) * (u * v) +
            (c[5] as number) * vv,
        );
      }
      const i = row + x;
      const ink = darkInk ? 1 - (lum[i] as number) / Math.max(ground, MIN_PAPER) : (lum[i] as number) - ground;
      residual[i] = ink;
      data[i] = Math.min(1, Math.max(0, ink));
    }
  }
  return { ink: { width: w, height: h, data }, noise: paperNoise(residual) };
}

/** The sum and count of the values at or above `threshold`, added in index order. */
function sumAtOrAbove(values: Float32Array, threshold: number): { sum: number; count: number } {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v >= threshold) {
      sum += v;
      count++;
    }
  }
  return { sum, count };
}

/** The sum and count of the values below `threshold`, added in index order. */
function sumBelow(values: Float32Array, threshold: number): { sum: number; count: number } {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < threshold) {
      sum += v;
      count++;
    }
  }
  return { sum, count };
}

/** Ink strength with the background removed, and how noisy the background is on the same scale. */
export interface FlatInk {
  /** Ink in [0, 1], background 0. */
  readonly ink: GrayImage;
  /** The paper noise's 90th percentile: ink map values up to this are paper. 0 for a clean picture. */
  readonly noise: number;
}

/**
 * Paper noise's 90th percentile from the residuals on the side of the paper the ink never reaches. The paper's
 * centre is the residuals' mode (searched below PAPER_SEARCH, where no legible ink lies), not 0: when the ink is a
 * sliver of a noisy picture, Otsu's threshold splits the noise and the fitted surface sits on the noise's upper half.
 */
function paperNoise(residual: Float32Array): number {
  // Residuals in [-1, 1] binned like the shared 256-bin histogram of [0, 1] values (bins 2/256 wide). Most
  // residuals are the paper's, in one or two bins: two interleaved integer counts keep each +1 from waiting on the
  // one before (whole numbers, so the same counts in any order).
  const n = residual.length;
  const counts = new Int32Array(4 * NOISE_BINS);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    increment(counts, binOfResidual(residual[i] as number));
    increment(counts, NOISE_BINS + binOfResidual(residual[i + 1] as number));
  }
  if (i < n) increment(counts, binOfResidual(residual[i] as number));
  let mode = 0;
  const searchEnd = binOfResidual(PAPER_SEARCH);
  const at = (b: number): number => (counts[b] as number) + (counts[NOISE_BINS + b] as number);
  for (let b = 0; b < searchEnd; b++) if (at(b) > at(mode)) mode = b;
  const centre = (2 * (mode + 0.5)) / NOISE_BINS - 1;
  // Deviations below the centre, in [0, 1], in the shared histogram's 256 bins.
  const deviations = new Int32Array(2 * 256);
  let count = 0;
  for (i = 0; i < n; i++) {
    const r = residual[i] as number;
    if (r >= centre) continue;
    count++;
    // centre - r > 0 (a NaN is counted, in no bin): truncation is the floor.
    const x = (centre - r) * 256;
    if (x > 0) increment(deviations, ((i & 1) << 8) + (x < 256 ? x | 0 : 255));
  }
  const below = new Float64Array(256);
  for (let b = 0; b < 256; b++) below[b] = (deviations[b] as number) + (deviations[256 + b] as number);
  // Nothing below the centre: noise-free paper, reported as the first histogram bin like any other quantile.
  if (count === 0) below[0] = 1;
  return Math.max(0, centre) + histogramQuantile(below, 0.8);
}

/** Bins of the residual histogram over [-1, 1]. */
const NOISE_BINS = 256;

/**
 * min(NOISE_BINS - 1, max(0, floor(((r + 1) / 2) * NOISE_BINS))), with truncation standing in for the floor where
 * they agree (at or above 1); a NaN goes to NAN_RESIDUAL, past the two interleaved counts, and is never summed.
 */
function binOfResidual(r: number): number {
  const x = ((r + 1) / 2) * NOISE_BINS;
  return x >= 1 ? (x < NOISE_BINS ? x | 0 : NOISE_BINS - 1) : x === x ? 0 : NAN_RESIDUAL;
}

/** binOfResidual's slot for a NaN (see paperNoise's counts). */
const NAN_RESIDUAL = 2 * NOISE_BINS;

/**
 * Fits the quadratic surface to the selected pixels; a constant (their mean) when too few to fit.
 * @param select which pixels are background: at or above `cut` for dark ink, at or below it for light ink
 * @param us each column's coordinate (axisCoordinates of the width); `vs` the same of the rows
 */
function fitSurface(
  image: GrayImage,
  select: { readonly darkInk: boolean; readonly cut: number },
  us: Float64Array,
  vs: Float64Array,
): Surface {
  const { width: w, height: h, data } = image;
  const { darkInk, cut } = select;
  const step = Math.max(1, Math.ceil(Math.sqrt((w * h) / MAX_FIT_SAMPLES)));
  // Normal equations A^T A c = A^T b over selected samples, coordinates scaled to [-1, 1] for conditioning, with
  // the basis 1, u, v, u^2, uv, v^2. A^T A is symmetric: only its upper triangle is summed. Each sum is a local
  // (not an array slot, 60% of a read's normalization time): the same additions in the same order, the same bits.
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0; // prettier-ignore
  let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a04 = 0, a05 = 0; // prettier-ignore
  let a11 = 0, a12 = 0, a13 = 0, a14 = 0, a15 = 0; // prettier-ignore
  let a22 = 0, a23 = 0, a24 = 0, a25 = 0; // prettier-ignore
  let a33 = 0, a34 = 0, a35 = 0, a44 = 0, a45 = 0, a55 = 0; // prettier-ignore
  let count = 0;
  let total = 0;
  let sum = 0;
  for (let y = 0; y < h; y += step) {
    const v = vs[y] as number;
    const vv = v * v;
    for (let x = 0; x < w; x += step) {
      total++;
      const z = data[y * w + x] as number;
      if (darkInk ? z < cut : z > cut) continue;
      const u = us[x] as number;
      const uu = u * u;
      const uv = u * v;
      b0 += 1 * z;
      a00 += 1 * 1;
      a01 += 1 * u;
      a02 += 1 * v;
      a03 += 1 * uu;
      a04 += 1 * uv;
      a05 += 1 * vv;
      b1 += u * z;
      a11 += u * u;
      a12 += u * v;
      a13 += u * uu;
      a14 += u * uv;
      a15 += u * vv;
      b2 += v * z;
      a22 += v * v;
      a23 += v * uu;
      a24 += v * uv;
      a25 += v * vv;
      b3 += uu * z;
      a33 += uu * uu;
      a34 += uu * uv;
      a35 += uu * vv;
      b4 += uv * z;
      a44 += uv * uv;
      a45 += uv * vv;
      b5 += vv * z;
      a55 += vv * vv;
      count++;
      sum += z;
    }
  }
  // prettier-ignore
  const ata = Float64Array.of(
    a00, a01, a02, a03, a04, a05,
    a01, a11, a12, a13, a14, a15,
    a02, a12, a22, a23, a24, a25,
    a03, a13, a23, a33, a34, a35,
    a04, a14, a24, a34, a44, a45,
    a05, a15, a25, a35, a45, a55,
  );
  const atb = Float64Array.of(b0, b1, b2, b3, b4, b5);
  const coefficients = count >= Math.max(12, MIN_BACKGROUND_SHARE * total) ? solve6(ata, atb) : undefined;
  return coefficients === undefined ? { constant: count > 0 ? sum / count : 0 } : { coefficients, constant: 0 };
}

/** A fitted background: the quadratic's coefficients (basis 1, u, v, u^2, uv, v^2), or else a constant level. */
interface Surface {
  readonly coefficients?: Float64Array;
  readonly constant: number;
}

/** Each pixel's coordinate along an axis of `n` pixels, scaled to [-1, 1] (0 for a single pixel). */
function axisCoordinates(n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = n > 1 ? (2 * i) / (n - 1) - 1 : 0;
  return out;
}

/** Solves the 6x6 system by Gaussian elimination with partial pivoting; undefined when (near) singular. */
function solve6(a: Float64Array, b: Float64Array): Float64Array | undefined {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  const scale = Math.max(1e-300, ...Array.from(m, Math.abs));
  for (let col = 0; col < 6; col++) {
    let pivot = col;
    for (let r = col + 1; r < 6; r++)
      if (Math.abs(m[r * 6 + col] as number) > Math.abs(m[pivot * 6 + col] as number)) pivot = r;
    if (Math.abs(m[pivot * 6 + col] as number) < 1e-9 * scale) return undefined;
    if (pivot !== col) {
      for (let c = 0; c < 6; c++) {
        const t = m[col * 6 + c] as number;
        m[col * 6 + c] = m[pivot * 6 + c] as number;
        m[pivot * 6 + c] = t;
      }
      const t = x[col] as number;
      x[col] = x[pivot] as number;
      x[pivot] = t;
    }
    for (let r = col + 1; r < 6; r++) {
      const f = (m[r * 6 + col] as number) / (m[col * 6 + col] as number);
      for (let c = col; c < 6; c++) m[r * 6 + c] = (m[r * 6 + c] as number) - f * (m[col * 6 + c] as number);
      x[r] = (x[r] as number) - f * (x[col] as number);
    }
  }
  for (let r = 5; r >= 0; r--) {
    let s = x[r] as number;
    for (let c = r + 1; c < 6; c++) s -= (m[r * 6 + c] as number) * (x[c] as number);
    x[r] = s / (m[r * 6 + r] as number);
  }
  return x;
}
