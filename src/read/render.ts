import { ImageError } from '../image/errors.js';
import type { GrayImage } from '../image/gray.js';
import { normalizeDigit } from '../image/normalize.js';
import { areaResample } from '../image/resample.js';
import type { InkMap } from './ink.js';
import { partColumns, type InkBox, type Part } from './pieces.js';
import type { InkPixels } from './strokes.js';

/** Paper left around a piece before normalization, as a share of its longer side (an upload has a margin too). */
const MARGIN = 0.15;
/**
 * Crops with a longer side above this are area-averaged down first: normalization ends at 20 px, and its stroke
 * corrections cost per pixel; 64 px keeps strokes several pixels wide, three times the output's 20 px.
 */
const MAX_CROP = 64;

/**
 * The MNIST picture of a candidate piece: its pixels alone (every other piece masked out) on black with a margin,
 * through the same normalizeDigit an uploaded single digit goes through.
 * @param map the ink map
 * @param parts the piece's parts
 * @param box their box
 * @param halo pixels of no piece within this many pixels of the piece's ink are taken too, at their own strength: the
 *   faint edges of its strokes under the ink threshold, which an upload's normalization keeps (0: the piece's ink only)
 * @returns 784 bytes, or undefined when normalization finds no digit in it
 */
export function renderPiece(map: InkMap, parts: readonly Part[], box: InkBox, halo = 0): Uint8Array | undefined {
  const crop = blankCrop(box);
  const { width: w, data: ink } = map.ink;
  const { labels } = map;
  for (const part of parts) {
    const { label } = part;
    for (let y = box.minY; y <= box.maxY; y++) {
      const { from, to } = partColumns(part, y);
      const row = y * w;
      const out = (y - crop.y0) * crop.width - crop.x0;
      for (let x = from; x <= to; x++) if (labels[row + x] === label) crop.data[out + x] = ink[row + x] as number;
    }
  }
  if (halo > 0) addHalo(crop, map, halo);
  return normalizeCrop(crop);
}

/**
 * renderPiece for ink given pixel by pixel: one digit's strokes of two that overlap (strokes.ts).
 * @param map the ink map
 * @param ink the pixels (indices into the map) and their box
 * @returns 784 bytes, or undefined when normalization finds no digit in it
 */
export function renderPixels(map: InkMap, ink: InkPixels): Uint8Array | undefined {
  const crop = blankCrop(ink.box);
  const w = map.ink.width;
  for (const i of ink.pixels) {
    const x = i % w;
    const y = Math.floor(i / w);
    crop.data[(y - crop.y0) * crop.width + x - crop.x0] = map.ink.data[i] as number;
  }
  return normalizeCrop(crop);
}

/**
 * renderPiece for ink given alone, as a picture of ink in [0, 1] on black: what the reader would make of it as a
 * piece (scripts/fit-digit-or-not.ts renders two digits pushed into each other so).
 * @param ink the ink, every pixel of it the piece's
 * @returns 784 bytes, or undefined when normalization finds no digit in it
 */
export function renderInk(ink: GrayImage): Uint8Array | undefined {
  const crop = blankCrop({ minX: 0, minY: 0, maxX: ink.width - 1, maxY: ink.height - 1 });
  for (let y = 0; y < ink.height; y++)
    crop.data.set(ink.data.subarray(y * ink.width, (y + 1) * ink.width), (y - crop.y0) * crop.width - crop.x0);
  return normalizeCrop(crop);
}

/** Copies into `crop` the map's unlabelled pixels within `radius` (a square) of the ink already in it. */
function addHalo(crop: GrayImage & { readonly x0: number; readonly y0: number }, map: InkMap, radius: number): void {
  const { width: w, height: h, data: ink } = map.ink;
  const { labels } = map;
  const drawn = crop.data.slice();
  for (let cy = 0; cy < crop.height; cy++) {
    for (let cx = 0; cx < crop.width; cx++) {
      if (drawn[cy * crop.width + cx] === 0) continue;
      for (let ny = Math.max(0, cy - radius); ny <= Math.min(crop.height - 1, cy + radius); ny++) {
        const y = ny + crop.y0;
        if (y < 0 || y >= h) continue;
        for (let nx = Math.max(0, cx - radius); nx <= Math.min(crop.width - 1, cx + radius); nx++) {
          const x = nx + crop.x0;
          const at = ny * crop.width + nx;
          if (x >= 0 && x < w && labels[y * w + x] === 0 && crop.data[at] === 0)
            crop.data[at] = ink[y * w + x] as number;
        }
      }
    }
  }
}

/** A black crop around `box` with MARGIN of paper, and where its corner lies in the ink map. */
function blankCrop(box: InkBox): GrayImage & { readonly x0: number; readonly y0: number } {
  const side = Math.max(box.maxX - box.minX + 1, box.maxY - box.minY + 1);
  const margin = Math.max(2, Math.round(MARGIN * side));
  const width = box.maxX - box.minX + 1 + 2 * margin;
  const height = box.maxY - box.minY + 1 + 2 * margin;
  return { x0: box.minX - margin, y0: box.minY - margin, width, height, data: new Float32Array(width * height) };
}

/** The crop, area-averaged down to MAX_CROP when larger, through normalizeDigit; undefined when it finds no digit. */
function normalizeCrop(full: GrayImage): Uint8Array | undefined {
  let crop: GrayImage = full;
  const { width: cw, height: ch } = full;
  const longer = Math.max(cw, ch);
  if (longer > MAX_CROP) {
    const scale = MAX_CROP / longer;
    crop = areaResample(
      crop,
      { x: 0, y: 0, width: cw, height: ch },
      Math.max(1, Math.round(cw * scale)),
      Math.max(1, Math.round(ch * scale)),
    );
  }
  return normalizeIfDigit(crop);
}

/**
 * normalizeDigit, as an upload's picture goes through it, with "no digit here" as undefined instead of a throw.
 * @param gray luminance in [0, 1], any polarity
 * @returns 784 bytes, or undefined when normalization finds no digit
 * @throws ImageError other than NO_DIGIT_FOUND, as normalizeDigit
 */
export function normalizeIfDigit(gray: GrayImage): Uint8Array | undefined {
  try {
    return normalizeDigit(gray);
  } catch (error) {
    if (error instanceof ImageError && error.code === 'NO_DIGIT_FOUND') return undefined;
    throw error;
  }
}
