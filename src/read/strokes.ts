import { skeletonize } from '../image/skeleton.js';
import type { InkMap } from './ink.js';
import { inPart, type InkBox, type Part } from './pieces.js';

/** Some of a piece's pixels: indices into the ink map, and their box. */
export interface InkPixels {
  readonly pixels: Int32Array;
  readonly box: InkBox;
}

/** One way to read a piece as two overlapping digits: each side's strokes, the ink where they cross in both. */
export interface StrokeSplit {
  readonly left: InkPixels;
  readonly right: InkPixels;
}

/** Pieces narrower than this share of the digit height are one digit or a cut's work, never a stroke pair. */
export const PAIR_MIN_WIDTH = 0.6;
/** Stroke splits offered per piece, at most (each costs two classifications when the search asks for it). */
export const MAX_SPLITS = 16;

/**
 * Skeleton pixels this near a junction (share of the digit height) belong to the crossing, not to a stroke: where
 * two strokes cross, a thinned picture has a short tangle of junctions, and its ink is in both digits.
 */
const JUNCTION_RADIUS = 0.08;
/** Strokes shorter than this share of the digit height are spurs of the thinning: their ink goes to both sides. */
const MIN_STROKE = 0.1;
/** At most this many strokes are assigned (2^n assignments are checked, each cheaply, before any is classified). */
const MAX_STROKES = 12;
/** Each side is at least this share of the digit height tall (as search.ts's MIN_DIGIT_HEIGHT). */
const MIN_SIDE_HEIGHT = 0.45;
/** Each side is at most this share of the digit height wide. */
const MAX_SIDE_WIDTH = 1.1;
/** Cells per digit height the strokes are found on, at most (bounds the work on large pictures). */
const WORK_HEIGHT = 32;

/**
 * Ways to part one piece into two digits by their strokes rather than by a cut: where a 9 overlaps an 8 or a 1 runs
 * through a 0, every cut (straight or following the paper) leaves strokes of one digit on the other's side, while
 * the strokes themselves are whole on either side of the crossing. The piece is thinned to its skeleton, the
 * skeleton broken at its junctions into strokes, each ink pixel given to its nearest stroke; every assignment of
 * strokes to a left and a right digit that leaves both sides connected and digit-sized is a split (the ink around
 * a junction goes to both). Recognition chooses among them (search.ts).
 * @param map the ink map
 * @param parts the piece's parts
 * @param box their box
 * @param height the digit height in working pixels
 * @param limit the most splits returned (those whose sides overlap least first)
 * @returns the splits, or none when the piece has a single stroke or too many
 */
export function strokeSplits(
  map: InkMap,
  parts: readonly Part[],
  box: InkBox,
  height: number,
  limit: number,
): StrokeSplit[] {
  const W = map.ink.width;
  // The piece on a grid of f x f cells (a frame of paper around it): at most WORK_HEIGHT cells a digit, so
  // the work is bounded whatever the resolution. A cell a quarter inked is ink to the thinning; any ink at all
  // makes it part of the piece its pixels are given from.
  const f = Math.max(1, Math.floor(height / WORK_HEIGHT));
  const cells = height / f;
  const bw = Math.floor((box.maxX - box.minX) / f) + 3;
  const bh = Math.floor((box.maxY - box.minY) / f) + 3;
  const filled = new Uint16Array(bw * bh);
  // The piece's pixels (map indices) and their cells, listed once: each split's sides are drawn from them.
  const pixels: number[] = [];
  const pixelCells: number[] = [];
  for (const part of parts) {
    const plain = part.after === undefined && part.before === undefined;
    for (let y = box.minY; y <= box.maxY; y++) {
      const row = (Math.floor((y - box.minY) / f) + 1) * bw + 1;
      for (let x = part.x0; x <= part.x1; x++) {
        if (map.labels[y * W + x] !== part.label || (!plain && !inPart(part, x, y))) continue;
        const c = row + Math.floor((x - box.minX) / f);
        filled[c] = (filled[c] as number) + 1;
        pixels.push(y * W + x);
        pixelCells.push(c);
      }
    }
  }
  const mask = new Uint8Array(bw * bh);
  const thick = new Uint8Array(bw * bh);
  filled.forEach((n, i) => {
    thick[i] = n > 0 ? 1 : 0;
    mask[i] = 4 * n >= f * f ? 1 : 0;
  });
  const skeleton = Uint8Array.from(skeletonize({ width: bw, height: bh, data: Float32Array.from(mask) }).data);
  const around = Int32Array.of(-bw - 1, -bw, -bw + 1, -1, 1, bw - 1, bw, bw + 1);
  const radius = Math.max(1, Math.round(JUNCTION_RADIUS * cells));
  // Skeleton pixels near a junction are the crossing's.
  const nearJunction = new Uint8Array(bw * bh);
  for (let y = 1; y < bh - 1; y++) {
    for (let x = 1; x < bw - 1; x++) {
      if (!skeleton[y * bw + x] || crossings(skeleton, bw, x, y) < 3) continue;
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy >= 0 && yy < bh && xx >= 0 && xx < bw && dx * dx + dy * dy <= radius * radius)
            nearJunction[yy * bw + xx] = 1;
        }
      }
    }
  }
  // Strokes: 8-connected runs of the skeleton away from junctions; label 0 = the crossings' (shared) ink.
  const owner = new Int32Array(bw * bh).fill(-1);
  const lengths: number[] = [];
  const queue = new Int32Array(bw * bh);
  for (let i = 0; i < bw * bh; i++) {
    if (!skeleton[i] || nearJunction[i] || owner[i] !== -1) continue;
    lengths.push(flood(i, lengths.length + 1, owner, (q) => skeleton[q] === 1 && !nearJunction[q], around, queue));
  }
  // Spurs join the crossing's ink.
  const minLength = MIN_STROKE * cells;
  const renumber = new Int32Array(lengths.length + 1);
  let strokes = 0;
  lengths.forEach((n, k) => (renumber[k + 1] = n >= minLength ? ++strokes : 0));
  if (strokes < 2 || strokes > MAX_STROKES) return [];
  // Every ink pixel to its nearest skeleton pixel's stroke (breadth first inside the ink).
  let head = 0;
  let tail = 0;
  for (let i = 0; i < bw * bh; i++) {
    if (!skeleton[i]) continue;
    owner[i] = owner[i] === -1 ? 0 : (renumber[owner[i] as number] as number);
    queue[tail++] = i;
  }
  while (head < tail) {
    const p = queue[head++] as number;
    for (let k = 0; k < 8; k++) {
      const q = p + (around[k] as number);
      if (thick[q] && owner[q] === -1) {
        owner[q] = owner[p] as number;
        queue[tail++] = q;
      }
    }
  }
  // Shared zones: connected regions of crossing ink; strokes touching one are joined through it.
  const zone = new Int32Array(bw * bh).fill(-1);
  let zones = 0;
  for (let i = 0; i < bw * bh; i++) {
    if (owner[i] === 0 && zone[i] === -1) flood(i, zones++, zone, (q) => owner[q] === 0, around, queue);
  }
  // Adjacency bitmasks: stroke to stroke (touching directly), stroke to zone.
  const strokeLinks = new Uint32Array(strokes + 1);
  const zoneStrokes = new Uint32Array(zones);
  for (let p = 0; p < bw * bh; p++) {
    const a = owner[p] as number;
    if (a <= 0) continue;
    for (let k = 0; k < 8; k++) {
      const q = p + (around[k] as number);
      const b = owner[q] as number;
      if (b > 0 && b !== a) strokeLinks[a] = (strokeLinks[a] as number) | (1 << (b - 1));
      else if (b === 0) zoneStrokes[zone[q] as number] = (zoneStrokes[zone[q] as number] as number) | (1 << (a - 1));
    }
  }
  // Through a zone, every stroke touching it touches the others.
  for (let z = 0; z < zones; z++) {
    const members = zoneStrokes[z] as number;
    for (let s = 1; s <= strokes; s++) {
      if (members & (1 << (s - 1))) strokeLinks[s] = (strokeLinks[s] as number) | (members & ~(1 << (s - 1)));
    }
  }
  // Each stroke's box and ink-weighted centre, in local coordinates.
  const minXs = new Int32Array(strokes + 1).fill(bw);
  const minYs = new Int32Array(strokes + 1).fill(bh);
  const maxXs = new Int32Array(strokes + 1).fill(-1);
  const maxYs = new Int32Array(strokes + 1).fill(-1);
  const sumX = new Float64Array(strokes + 1);
  const count = new Float64Array(strokes + 1);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const s = owner[y * bw + x] as number;
      if (s <= 0) continue;
      if (x < (minXs[s] as number)) minXs[s] = x;
      if (x > (maxXs[s] as number)) maxXs[s] = x;
      if (y < (minYs[s] as number)) minYs[s] = y;
      if (y > (maxYs[s] as number)) maxYs[s] = y;
      sumX[s] = (sumX[s] as number) + x;
      count[s] = (count[s] as number) + 1;
    }
  }
  const all = (1 << strokes) - 1;
  const minHeight = MIN_SIDE_HEIGHT * cells;
  const maxWidth = MAX_SIDE_WIDTH * cells;
  const found: { left: number; overlap: number }[] = [];
  // [side][minX, minY, maxX, maxY, sum of x, count]: the two sides' boxes and centres, built stroke by stroke.
  const acc = [new Float64Array(6), new Float64Array(6)] as const;
  for (let m = 1; m < all; m++) {
    for (const t of acc) t.set([Infinity, Infinity, -1, -1, 0, 0]);
    for (let s = 1; s <= strokes; s++) {
      const t = acc[(m >> (s - 1)) & 1] as Float64Array;
      t[0] = Math.min(t[0] as number, minXs[s] as number);
      t[1] = Math.min(t[1] as number, minYs[s] as number);
      t[2] = Math.max(t[2] as number, maxXs[s] as number);
      t[3] = Math.max(t[3] as number, maxYs[s] as number);
      t[4] = (t[4] as number) + (sumX[s] as number);
      t[5] = (t[5] as number) + (count[s] as number);
    }
    const [b, a] = acc as unknown as [number[], number[]];
    // Each split once: m is the left side, by the centre of its ink (a 1 drawn into a 0's left half comes first).
    if ((a[4] as number) / (a[5] as number) >= (b[4] as number) / (b[5] as number)) continue;
    if (Math.min((a[3] as number) - (a[1] as number), (b[3] as number) - (b[1] as number)) + 1 < minHeight) continue;
    if (Math.max((a[2] as number) - (a[0] as number), (b[2] as number) - (b[0] as number)) + 1 > maxWidth) continue;
    if (!connected(m, strokeLinks) || !connected(all & ~m, strokeLinks)) continue;
    found.push({ left: m, overlap: Math.max(0, (a[2] as number) - (b[0] as number) + 1) });
  }
  found.sort((p, q) => p.overlap - q.overlap || p.left - q.left);
  const side = (m: number) => (i: number) => {
    const o = owner[i] as number;
    return o > 0 ? (m & (1 << (o - 1))) !== 0 : o === 0 && ((zoneStrokes[zone[i] as number] as number) & m) !== 0;
  };
  return found.slice(0, limit).map(({ left }) => ({
    left: pixelsOf(W, pixels, pixelCells, side(left)),
    right: pixelsOf(W, pixels, pixelCells, side(all & ~left)),
  }));
}

/** The piece's pixels whose cell is on one side. */
function pixelsOf(
  W: number,
  pixels: readonly number[],
  cells: readonly number[],
  mine: (cell: number) => boolean,
): InkPixels {
  const out: number[] = [];
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -1;
  let maxY = -1;
  pixels.forEach((i, k) => {
    if (!mine(cells[k] as number)) return;
    out.push(i);
    const x = i % W;
    const y = (i - x) / W;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  });
  return { pixels: Int32Array.from(out), box: { minX, minY, maxX, maxY } };
}

/** Whether the strokes in m form one connected group. */
function connected(m: number, links: Uint32Array): boolean {
  const first = m & -m;
  let reached = first;
  for (;;) {
    let grown = reached;
    for (let s = 1; s < links.length; s++) if (reached & (1 << (s - 1))) grown |= (links[s] as number) & m;
    if (grown === reached) return reached === m;
    reached = grown;
  }
}

/**
 * Labels the 8-connected region of cells that are `inside` around `start` (unlabelled: -1) with `id`.
 * @returns how many cells it labelled
 */
function flood(
  start: number,
  id: number,
  labels: Int32Array,
  inside: (cell: number) => boolean,
  around: Int32Array,
  queue: Int32Array,
): number {
  let head = 0;
  let tail = 0;
  queue[tail++] = start;
  labels[start] = id;
  while (head < tail) {
    const p = queue[head++] as number;
    for (let k = 0; k < 8; k++) {
      const q = p + (around[k] as number);
      if (labels[q] === -1 && inside(q)) {
        labels[q] = id;
        queue[tail++] = q;
      }
    }
  }
  return tail;
}

/** 0-to-1 transitions around (x, y)'s eight neighbours, north then clockwise: 1 at a line's end, 2 on it, 3+ at a junction. */
function crossings(img: Uint8Array, w: number, x: number, y: number): number {
  const i = y * w + x;
  const ring = [i - w, i - w + 1, i + 1, i + w + 1, i + w, i + w - 1, i - 1, i - w - 1];
  let n = 0;
  for (let k = 0; k < 8; k++) if (!img[ring[k] as number] && img[ring[(k + 1) % 8] as number]) n++;
  return n;
}
