import { flattenBackground } from '../image/background.js';
import { labelComponents, type Component } from '../image/components.js';
import type { GrayImage } from '../image/gray.js';
import { borderLevel, isDarkInk } from '../image/polarity.js';
import { areaResample } from '../image/resample.js';
import { histogram, otsuThreshold } from '../image/stats.js';

/**
 * Longest side the reader works at. A number is wider than a digit (six digits side by side), so this is twice the
 * single-digit normalizer's 512: each digit of a 6-digit line still spans about 100 working pixels.
 */
const WORKING_SIZE = 1024;
/** Ink must stand out from the paper by this much (of full scale); the single-digit normalizer uses the same 0.06. */
const MIN_THRESHOLD = 0.06;

/** The picture's ink, found once: a map of ink strength and its connected pieces. */
export interface InkPieces {
  /** Ink strength in [0, 1] at working size (background 0), whatever the picture's polarity. */
  readonly ink: GrayImage;
  /** Per working pixel: 0 for paper, k for pieces[k-1]'s label. */
  readonly labels: Int32Array;
  readonly pieces: readonly Component[];
  /** Source pixels per working pixel (>= 1). */
  readonly scale: number;
}

/**
 * Finds the ink of a picture: shrinks it to the working size, removes the background (uneven light included) with
 * the same steps as the single-digit normalizer, and labels the 8-connected pieces above Otsu's threshold.
 * @param gray luminance in [0, 1], any polarity
 * @returns the ink map, its pieces and the scale back to the picture's pixels
 */
export function findInk(gray: GrayImage): InkPieces {
  const longer = Math.max(gray.width, gray.height);
  const scale = Math.max(1, longer / WORKING_SIZE);
  const work =
    scale === 1
      ? gray
      : areaResample(
          gray,
          { x: 0, y: 0, width: gray.width, height: gray.height },
          Math.max(1, Math.round(gray.width / scale)),
          Math.max(1, Math.round(gray.height / scale)),
        );
  const flat = flattenBackground(work, isDarkInk(work, borderLevel(work)));
  const threshold = Math.max(otsuThreshold(histogram(flat.ink.data)), MIN_THRESHOLD, flat.noise);
  const { labels, components } = labelComponents(flat.ink.data, work.width, work.height, threshold);
  return { ink: flat.ink, labels, pieces: components, scale };
}
