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
  const at = (x: number, y: number) =>
    x < minX || y < minY || x > maxX || y > maxY ? 0 : (ink[y * width + x] as number);
  // Where each output column's and row's samples fall in the ink, worked out once (the same arithmetic per sample).
  const xs = new Float64Array(FRAME_WIDTH * SAMPLES);
  for (let X = 0; X < FRAME_WIDTH; X++)
    for (let i = 0; i < SAMPLES; i++) xs[X * SAMPLES + i] = minX + (X + (i + 0.5) / SAMPLES - ox) / s - 0.5;
  const ys = new Float64Array(FRAME_HEIGHT * SAMPLES);
  for (let Y = 0; Y < FRAME_HEIGHT; Y++)
    for (let j = 0; j < SAMPLES; j++) ys[Y * SAMPLES + j] = minY + (Y + (j + 0.5) / SAMPLES - oy) / s - 0.5;
  const out = new Uint8Array(FRAME_HEIGHT * FRAME_WIDTH);
  for (let Y = 0; Y < FRAME_HEIGHT; Y++)
    for (let X = 0; X < FRAME_WIDTH; X++) {
      let sum = 0;
      for (let j = 0; j < SAMPLES; j++) {
        const py = ys[Y * SAMPLES + j] as number;
        const y0 = Math.floor(py);
        const fy = py - y0;
        for (let i = 0; i < SAMPLES; i++) {
          const px = xs[X * SAMPLES + i] as number;
          const x0 = Math.floor(px);
          const fx = px - x0;
          sum +=
            at(x0, y0) * (1 - fx) * (1 - fy) +
            at(x0 + 1, y0) * fx * (1 - fy) +
            at(x0, y0 + 1) * (1 - fx) * fy +
            at(x0 + 1, y0 + 1) * fx * fy;
        }
      }
      out[Y * FRAME_WIDTH + X] = Math.min(255, Math.round((sum / (SAMPLES * SAMPLES)) * 255));
    }
  return out;
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
