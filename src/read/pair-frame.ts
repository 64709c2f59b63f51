import type { InkMap } from './ink.js';
import { partColumns, type InkBox, type Part } from './pieces.js';

/** The pair network's picture: 28 rows by 48 columns, room for two digits side by side. */
export const FRAME_HEIGHT = 28;
export const FRAME_WIDTH = 48;
/** The ink's box is scaled to this many rows (or FRAME_WIDTH - 4 columns, when wider) and centred. */
const INK_ROWS = 20;
const INK_COLUMNS = 44;
/** Ink above this share of the piece's darkest marks its box: faint halo around strokes does not widen it. */
const BOX_INK = 0.2;
/** Samples per output pixel along each axis: a box filter, down or up, without a pixel grid's blocks. */
const SAMPLES = 3;

/**
 * A piece's ink in the pair network's frame (pair-net.ts): its box scaled to INK_ROWS tall (or INK_COLUMNS wide),
 * keeping its width against its height, which is what says "two digits"; each pixel the mean of SAMPLES x SAMPLES
 * bilinear samples. Used on the reader's pieces and on the fitting script's composed pairs alike.
 * @param ink strength in [0, 1], row-major
 * @param width columns of `ink`
 * @param height rows of `ink`
 * @returns FRAME_HEIGHT x FRAME_WIDTH bytes, or undefined when no pixel reaches BOX_INK
 */
export function frameInk(ink: Float32Array, width: number, height: number): Uint8Array | undefined {
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if ((ink[y * width + x] as number) > BOX_INK) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
  if (maxX < 0) return undefined;
  const bw = maxX - minX + 1;
  const bh = maxY - minY + 1;
  const s = Math.min(INK_ROWS / bh, INK_COLUMNS / bw);
  const ox = (FRAME_WIDTH - bw * s) / 2;
  const oy = (FRAME_HEIGHT - bh * s) / 2;
  // The box's ink with two zero columns and rows on each side: a sample's four neighbours are read there, or in the
  // zeros when it falls outside the box (as far outside as the frame's margins reach: clamped to the zeros).
  const pw = bw + 4;
  const padded = new Float64Array(pw * (bh + 4));
  for (let y = 0; y < bh; y++)
    for (let x = 0; x < bw; x++) padded[(y + 2) * pw + x + 2] = ink[(minY + y) * width + minX + x] as number;
  const { cells: columns, fractions: fxs } = samplePositions(FRAME_WIDTH, minX, ox, s, bw);
  const { cells: rows, fractions: fys } = samplePositions(FRAME_HEIGHT, minY, oy, s, bh);
  // An output column (row) whose samples all fall two or more columns (rows) outside the box reads only zeros: it
  // stays 0, as the sum of its zero terms would.
  const outside = (at: Int32Array, o: number, edge: number) => {
    for (let i = 0; i < SAMPLES; i++) if (at[o * SAMPLES + i] !== 0 && at[o * SAMPLES + i] !== edge) return false;
    return true;
  };
  const out = new Uint8Array(FRAME_HEIGHT * FRAME_WIDTH);
  let fromX = 0;
  let toX = FRAME_WIDTH;
  while (fromX < toX && outside(columns, fromX, bw + 2)) fromX++;
  while (toX > fromX && outside(columns, toX - 1, bw + 2)) toX--;
  for (let Y = 0; Y < FRAME_HEIGHT; Y++) {
    if (outside(rows, Y, bh + 2)) continue;
    for (let X = fromX; X < toX; X++) {
      let sum = 0;
      for (let j = 0; j < SAMPLES; j++) {
        const fy = fys[Y * SAMPLES + j] as number;
        const row = (rows[Y * SAMPLES + j] as number) * pw;
        for (let i = 0; i < SAMPLES; i++) {
          const fx = fxs[X * SAMPLES + i] as number;
          const p = row + (columns[X * SAMPLES + i] as number);
          sum +=
            (padded[p] as number) * (1 - fx) * (1 - fy) +
            (padded[p + 1] as number) * fx * (1 - fy) +
            (padded[p + pw] as number) * (1 - fx) * fy +
            (padded[p + pw + 1] as number) * fx * fy;
        }
      }
      out[Y * FRAME_WIDTH + X] = Math.min(255, Math.round((sum / (SAMPLES * SAMPLES)) * 255));
    }
  }
  return out;
}

/**
 * Where each output column's (or row's) SAMPLES samples fall along one axis: the padded cell of the neighbour before
 * it (frameInk pads the box with two zero cells each side, and a sample further out is clamped into them) and the
 * fraction past it, in the same arithmetic per sample as the bilinear sum always used.
 * @param n output columns (rows)
 * @param min the box's first column (row) in the ink
 * @param offset where the scaled box starts in the frame
 * @param scale frame pixels per ink pixel
 * @param size the box's columns (rows)
 */
function samplePositions(
  n: number,
  min: number,
  offset: number,
  scale: number,
  size: number,
): { cells: Int32Array; fractions: Float64Array } {
  const cells = new Int32Array(n * SAMPLES);
  const fractions = new Float64Array(n * SAMPLES);
  for (let o = 0; o < n; o++)
    for (let i = 0; i < SAMPLES; i++) {
      const p = min + (o + (i + 0.5) / SAMPLES - offset) / scale - 0.5;
      const p0 = Math.floor(p);
      cells[o * SAMPLES + i] = Math.min(Math.max(p0 - min + 2, 0), size + 2);
      fractions[o * SAMPLES + i] = p - p0;
    }
  return { cells, fractions };
}

/**
 * A piece of the reader's ink map in the pair network's frame: its parts' pixels alone (every other piece masked
 * out), scaled so that its darkest pixel is 1 (a pale photo's ink and a black pen's read alike), through frameInk.
 * @param map the ink map
 * @param parts the piece's parts
 * @param box their box
 */
export function pairFrame(map: InkMap, parts: readonly Part[], box: InkBox): Uint8Array | undefined {
  const w = box.maxX - box.minX + 1;
  const h = box.maxY - box.minY + 1;
  const crop = new Float32Array(w * h);
  const { width: mapWidth, data: ink } = map.ink;
  let peak = 0;
  for (const part of parts)
    for (let y = box.minY; y <= box.maxY; y++) {
      const { from, to } = partColumns(part, y);
      for (let x = from; x <= to; x++) {
        const i = y * mapWidth + x;
        if (map.labels[i] !== part.label) continue;
        const v = ink[i] as number;
        crop[(y - box.minY) * w + x - box.minX] = v;
        if (v > peak) peak = v;
      }
    }
  if (peak <= 0) return undefined;
  for (let i = 0; i < crop.length; i++) crop[i] = Math.min(1, (crop[i] as number) / peak);
  return frameInk(crop, w, h);
}
