import type { InkMap } from './ink.js';
import { partColumns, type InkBox, type Part } from './pieces.js';

/** The rows averaged at the top and at the bottom of a piece, as a share of its height. */
const END_ROWS = 0.2;

/**
 * How far a piece's ink leans to the right going up: the ink-weighted mean column of its top rows less that of its
 * bottom rows (END_ROWS each), as a share of its height. A slash leans about as far as it is wide (0.25-0.35); a
 * typeset 1 leans left if at all (its flag tops out left of its stem, its foot is centred).
 * @param map the ink map
 * @param parts the piece's parts
 * @param box their box
 * @returns the lean, 0 for a piece with no ink at either end
 */
export function inkLean(map: InkMap, parts: readonly Part[], box: InkBox): number {
  const height = box.maxY - box.minY + 1;
  const rows = Math.max(1, Math.round(END_ROWS * height));
  const meanColumn = (from: number, to: number): number | undefined => {
    const { width: w, data: ink } = map.ink;
    let sum = 0;
    let weight = 0;
    for (const part of parts) {
      for (let y = from; y <= to; y++) {
        const { from: x0, to: x1 } = partColumns(part, y);
        for (let x = x0; x <= x1; x++) {
          if (map.labels[y * w + x] !== part.label) continue;
          const v = ink[y * w + x] as number;
          sum += v * x;
          weight += v;
        }
      }
    }
    return weight > 0 ? sum / weight : undefined;
  };
  const top = meanColumn(box.minY, box.minY + rows - 1);
  const bottom = meanColumn(box.maxY - rows + 1, box.maxY);
  return top === undefined || bottom === undefined ? 0 : (top - bottom) / height;
}

/** A hole in a piece's ink: its centre in working pixels and its size in pixels. */
export interface InkHole {
  readonly x: number;
  readonly y: number;
  readonly size: number;
}

/** A hole holds at least this share of the piece's box (pinholes in thick or noisy strokes are no loops). */
const MIN_HOLE = 0.01;

/**
 * The holes of a piece's ink: regions of paper it closes in on every side (4-connected, not reaching the box's edge),
 * the loops of a 6, an 8, a %'s rings.
 * @param map the ink map
 * @param parts the piece's parts
 * @param box their box
 * @returns the holes of at least MIN_HOLE of the box, top to bottom
 */
export function inkHoles(map: InkMap, parts: readonly Part[], box: InkBox): InkHole[] {
  // The box with a margin of paper, so that all the paper outside the ink is one region.
  const x0 = box.minX - 1;
  const y0 = box.minY - 1;
  const w = box.maxX - box.minX + 3;
  const h = box.maxY - box.minY + 3;
  const inked = new Uint8Array(w * h);
  const { width } = map.ink;
  for (const part of parts) {
    for (let y = box.minY; y <= box.maxY; y++) {
      const { from, to } = partColumns(part, y);
      for (let x = from; x <= to; x++) {
        if (map.labels[y * width + x] === part.label) inked[(y - y0) * w + (x - x0)] = 1;
      }
    }
  }
  const region = new Int32Array(w * h).fill(-1);
  const stack = new Int32Array(w * h);
  const holes: InkHole[] = [];
  const minSize = Math.max(2, MIN_HOLE * (w - 2) * (h - 2));
  for (let start = 0; start < w * h; start++) {
    if (inked[start] || region[start] !== -1) continue;
    let top = 0;
    let size = 0;
    let sumX = 0;
    let sumY = 0;
    let edge = false;
    stack[top++] = start;
    region[start] = start;
    while (top > 0) {
      const i = stack[--top] as number;
      const x = i % w;
      const y = (i - x) / w;
      size++;
      sumX += x;
      sumY += y;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) edge = true;
      const visit = (j: number) => {
        if (!inked[j] && region[j] === -1) {
          region[j] = start;
          stack[top++] = j;
        }
      };
      if (x > 0) visit(i - 1);
      if (x < w - 1) visit(i + 1);
      if (y > 0) visit(i - w);
      if (y < h - 1) visit(i + w);
    }
    if (!edge && size >= minSize) holes.push({ x: x0 + sumX / size, y: y0 + sumY / size, size });
  }
  return holes.sort((a, b) => a.y - b.y);
}
