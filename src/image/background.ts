import type { GrayImage } from './gray.js';
import { histogram, histogramQuantile, otsuThreshold } from './stats.js';

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
  const onPaperSide = (v: number): boolean => (darkInk ? v >= threshold : v < threshold);
  // Anti-aliased stroke rims fall on the paper side of Otsu's threshold too and would bend the surface toward the
  // ink (and differently for dark and light ink). Only pixels nearer the paper's mean than the threshold are fitted.
  let sum = 0;
  let count = 0;
  for (const v of luminance.data) {
    if (onPaperSide(v)) {
      sum += v;
      count++;
    }
  }
  const cut = count > 0 ? (threshold + sum / count) / 2 : threshold;
  const isBackground = (v: number): boolean => (darkInk ? v >= cut : v <= cut);
  const level = fitSurface(luminance, isBackground);
  const data = new Float32Array(w * h);
  const residual = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const v = luminance.data[i] as number;
    const ground = level[i] as number;
    const ink = darkInk ? 1 - v / Math.max(ground, MIN_PAPER) : v - ground;
    residual[i] = ink;
    data[i] = Math.min(1, Math.max(0, ink));
  }
  return { ink: { width: w, height: h, data }, noise: paperNoise(residual) };
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
  // Residuals in [-1, 1] binned like the shared 256-bin histogram of [0, 1] values (bins 2/256 wide).
  const bins = new Float64Array(NOISE_BINS);
  for (let i = 0; i < residual.length; i++) {
    const b = binOfResidual(residual[i] as number);
    bins[b] = (bins[b] as number) + 1;
  }
  let mode = 0;
  const searchEnd = binOfResidual(PAPER_SEARCH);
  for (let b = 0; b < searchEnd; b++) if ((bins[b] as number) > (bins[mode] as number)) mode = b;
  const centre = (2 * (mode + 0.5)) / NOISE_BINS - 1;
  // Deviations below the centre, in [0, 1], in the shared histogram's 256 bins.
  const below = new Float64Array(256);
  let count = 0;
  for (let i = 0; i < residual.length; i++) {
    const r = residual[i] as number;
    if (r >= centre) continue;
    const b = Math.min(255, Math.floor((centre - r) * 256));
    below[b] = (below[b] as number) + 1;
    count++;
  }
  // Nothing below the centre: noise-free paper, reported as the first histogram bin like any other quantile.
  if (count === 0) below[0] = 1;
  return Math.max(0, centre) + histogramQuantile(below, 0.8);
}

/** Bins of the residual histogram over [-1, 1]. */
const NOISE_BINS = 256;

function binOfResidual(r: number): number {
  return Math.min(NOISE_BINS - 1, Math.max(0, Math.floor(((r + 1) / 2) * NOISE_BINS)));
}

/** Fits the quadratic surface to the selected pixels; a constant (their mean) when too few to fit. */
function fitSurface(image: GrayImage, select: (v: number) => boolean): Float32Array {
  const { width: w, height: h } = image;
  const step = Math.max(1, Math.ceil(Math.sqrt((w * h) / MAX_FIT_SAMPLES)));
  // Normal equations A^T A c = A^T b over selected samples, coordinates scaled to [-1, 1] for conditioning.
  const ata = new Float64Array(36);
  const atb = new Float64Array(6);
  const basis = new Float64Array(6);
  let count = 0;
  let total = 0;
  let sum = 0;
  for (let y = 0; y < h; y += step) {
    for (let x = 0; x < w; x += step) {
      total++;
      const v = image.data[y * w + x] as number;
      if (!select(v)) continue;
      fillBasis(basis, x, y, w, h);
      // A^T A is symmetric: the upper triangle is accumulated and mirrored after the loop (the same sums, in the
      // same order, so the same bits), half the multiply-adds.
      for (let r = 0; r < 6; r++) {
        atb[r] = (atb[r] as number) + (basis[r] as number) * v;
        for (let c = r; c < 6; c++)
          ata[r * 6 + c] = (ata[r * 6 + c] as number) + (basis[r] as number) * (basis[c] as number);
      }
      count++;
      sum += v;
    }
  }
  for (let r = 1; r < 6; r++) for (let c = 0; c < r; c++) ata[r * 6 + c] = ata[c * 6 + r] as number;
  const coefficients = count >= Math.max(12, MIN_BACKGROUND_SHARE * total) ? solve6(ata, atb) : undefined;
  const constant = count > 0 ? sum / count : 0;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let level = constant;
      if (coefficients) {
        fillBasis(basis, x, y, w, h);
        level = 0;
        for (let k = 0; k < 6; k++) level += (coefficients[k] as number) * (basis[k] as number);
      }
      out[y * w + x] = level;
    }
  }
  return out;
}

function fillBasis(basis: Float64Array, x: number, y: number, w: number, h: number): void {
  const u = w > 1 ? (2 * x) / (w - 1) - 1 : 0;
  const v = h > 1 ? (2 * y) / (h - 1) - 1 : 0;
  basis[0] = 1;
  basis[1] = u;
  basis[2] = v;
  basis[3] = u * u;
  basis[4] = u * v;
  basis[5] = v * v;
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
