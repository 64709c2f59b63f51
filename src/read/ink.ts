import { flattenBackground } from '../image/background.js';
import { undoBlockEnlargement } from '../image/blocks.js';
import { labelComponents, type Component } from '../image/components.js';
import type { GrayImage } from '../image/gray.js';
import { borderLevel, borderQuantile, isDarkInk } from '../image/polarity.js';
import { areaResample } from '../image/resample.js';
import { histogram, otsuThreshold } from '../image/stats.js';

/**
 * Longest side the reader analyses. A number is wider than a digit: 1024 px keeps a 10-digit number in a wide
 * photo at about 60 px a digit, while bounding the per-pixel work (flattening, labelling) to about a million pixels.
 */
export const WORKING_SIZE = 1024;
/** Ink must stand out from the background by this much of full scale (normalize.ts's MIN_CONTRAST). */
const MIN_CONTRAST = 0.12;
/** The border ring's noise this far above the whole picture's means ink lies in the ring (normalize.ts). */
const RING_HOLDS_INK = MIN_CONTRAST / 2;

/** The picture's ink: white-on-black strength in [0, 1] at working resolution, and its connected pieces. */
export interface InkMap {
  readonly ink: GrayImage;
  /** Original pixels per working pixel along each axis (>= 1). */
  readonly scaleX: number;
  readonly scaleY: number;
  /** Per-pixel component labels (0 = background, k = components[k-1]). */
  readonly labels: Int32Array;
  readonly components: readonly Component[];
}

/**
 * Finds the ink the way normalizeDigit does for one digit (background flattening with polarity detection, Otsu's
 * threshold never below the paper's noise), over the whole picture, and labels its 8-connected pieces.
 * @param gray luminance in [0, 1], any polarity
 * @param workingSize the longest side looked at: a larger picture is area-averaged down to it first
 * @returns the ink map; `components` is empty when nothing stands out from the background
 */
export function findInk(gray: GrayImage, workingSize = WORKING_SIZE): InkMap {
  return inkMap(workingPicture(gray, workingSize), gray);
}

/**
 * The picture as findInk looks at it: block enlargement undone, then area-averaged down to `workingSize` on its
 * longer side when larger (a smaller look can start from a larger one's: shrinkTo(work, size)).
 */
export function workingPicture(gray: GrayImage, workingSize = WORKING_SIZE): GrayImage {
  return shrinkTo(undoBlockEnlargement(gray), workingSize);
}

/**
 * findInk's map of a working picture (workingPicture) of `original`.
 * @param work the picture looked at
 * @param original the uploaded picture, whose pixels the map's scale is given in
 */
export function inkMap(work: GrayImage, original: { readonly width: number; readonly height: number }): InkMap {
  const flat = flattenBackground(work, isDarkInk(work, borderLevel(work)));
  const { ink } = flat;
  const ring = borderQuantile(ink, 0.9);
  const noise = ring > flat.noise + RING_HOLDS_INK ? flat.noise : ring;
  const threshold = Math.max(otsuThreshold(histogram(ink.data)), MIN_CONTRAST / 2, noise);
  let peak = 0;
  for (let i = 0; i < ink.data.length; i++) if ((ink.data[i] as number) > peak) peak = ink.data[i] as number;
  const found =
    peak - noise < MIN_CONTRAST
      ? { labels: new Int32Array(ink.width * ink.height), components: [] }
      : labelComponents(ink.data, ink.width, ink.height, threshold);
  return {
    ink,
    scaleX: original.width / ink.width,
    scaleY: original.height / ink.height,
    labels: found.labels,
    components: found.components,
  };
}

/** The picture area-averaged down to `workingSize` on its longer side; the same object when it is not larger. */
export function shrinkTo(gray: GrayImage, workingSize: number): GrayImage {
  const longer = Math.max(gray.width, gray.height);
  if (longer <= workingSize) return gray;
  const scale = workingSize / longer;
  const width = Math.max(1, Math.round(gray.width * scale));
  const height = Math.max(1, Math.round(gray.height * scale));
  return areaResample(gray, { x: 0, y: 0, width: gray.width, height: gray.height }, width, height);
}
