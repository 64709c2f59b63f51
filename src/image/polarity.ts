import type { GrayImage } from './gray.js';
import { histogramBin, histogramQuantile } from './stats.js';

/** Deviation from the background smaller than this is treated as noise when weighing dark against light ink. */
const NOISE_MARGIN = 0.08;

/**
 * Estimates the background level from the border ring: a digit picture's border is paper (or canvas) far more
 * often than ink, and its median stays right even when a bold digit covers half the picture.
 * @param image luminance image
 * @returns the median luminance of the outer ring (about 4% of the shorter side, at least 1 px)
 */
export function borderLevel(image: GrayImage): number {
  return borderQuantile(image, 0.5);
}

/**
 * A quantile of the border ring's values (the ring is about 4% of the shorter side wide, at least 1 px).
 * @param image any image with values in [0, 1]
 * @param q quantile in [0, 1]
 * @returns the quantile
 */
export function borderQuantile(image: GrayImage, q: number): number {
  const { width: w, height: h, data } = image;
  const ring = Math.max(1, Math.round(0.04 * Math.min(w, h)));
  // The ring's pixels only (top and bottom bands, then the two side bands between them): the histogram counts
  // are the same whatever the order, and the interior is never visited.
  const bins = new Float64Array(256);
  const count = (i: number): void => {
    const b = histogramBin(data[i] as number);
    bins[b] = (bins[b] as number) + 1;
  };
  for (let y = 0; y < h; y++) {
    const row = y * w;
    if (y < ring || y >= h - ring) {
      for (let x = 0; x < w; x++) count(row + x);
    } else {
      for (let x = 0; x < Math.min(ring, w); x++) count(row + x);
      for (let x = Math.max(ring, w - ring); x < w; x++) count(row + x);
    }
  }
  return histogramQuantile(bins, q);
}

/**
 * Decides whether the ink is darker than the background (paper, MNIST's opposite) by comparing how much the
 * image deviates below the background level with how much it deviates above it; noise deviates both ways,
 * ink one way. Ties (a blank picture) count as light ink, which is then reported as "no digit".
 * @param image luminance image
 * @param background background level from {@link borderLevel}
 * @returns true when the ink is dark and the image must be inverted
 */
export function isDarkInk(image: GrayImage, background: number): boolean {
  let dark = 0;
  let light = 0;
  for (let i = 0; i < image.data.length; i++) {
    const d = (image.data[i] as number) - background;
    if (d < -NOISE_MARGIN) dark -= d + NOISE_MARGIN;
    else if (d > NOISE_MARGIN) light += d - NOISE_MARGIN;
  }
  return dark > light;
}
