import { ImageError } from '../image/errors.js';
import type { GrayImage } from '../image/gray.js';
import { normalizeDigit } from '../image/normalize.js';
import { areaResample } from '../image/resample.js';
import type { InkMap } from './ink.js';
import { inPart, type InkBox, type Part } from './pieces.js';
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
 * @returns 784 bytes, or undefined when normalization finds no digit in it
 */
export function renderPiece(map: InkMap, parts: readonly Part[], box: InkBox): Uint8Array | undefined {
  const w = map.ink.width;
  return renderInk(map, box, (put) => {
    for (const part of parts) {
      for (let y = box.minY; y <= box.maxY; y++) {
        for (let x = part.x0; x <= part.x1; x++) {
          const i = y * w + x;
          if (map.labels[i] === part.label && inPart(part, x, y)) put(x, y, i);
        }
      }
    }
  });
}

/**
 * renderPiece for ink given pixel by pixel: one digit's strokes of two that overlap (strokes.ts).
 * @param map the ink map
 * @param ink the pixels (indices into the map) and their box
 * @returns 784 bytes, or undefined when normalization finds no digit in it
 */
export function renderPixels(map: InkMap, ink: InkPixels): Uint8Array | undefined {
  const w = map.ink.width;
  return renderInk(map, ink.box, (put) => {
    for (const i of ink.pixels) put(i % w, Math.floor(i / w), i);
  });
}

function renderInk(
  map: InkMap,
  box: InkBox,
  each: (put: (x: number, y: number, i: number) => void) => void,
): Uint8Array | undefined {
  const side = Math.max(box.maxX - box.minX + 1, box.maxY - box.minY + 1);
  const margin = Math.max(2, Math.round(MARGIN * side));
  const x0 = box.minX - margin;
  const y0 = box.minY - margin;
  const cw = box.maxX - box.minX + 1 + 2 * margin;
  const ch = box.maxY - box.minY + 1 + 2 * margin;
  let crop: GrayImage = { width: cw, height: ch, data: new Float32Array(cw * ch) };
  each((x, y, i) => (crop.data[(y - y0) * cw + x - x0] = map.ink.data[i] as number));
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
  try {
    return normalizeDigit(crop);
  } catch (error) {
    if (error instanceof ImageError && error.code === 'NO_DIGIT_FOUND') return undefined;
    throw error;
  }
}
