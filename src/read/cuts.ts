import type { InkMap } from './ink.js';
import { inPart, type CutPath, type Part, type Piece } from './pieces.js';

/** A slice of a piece; `cutLeft`/`cutRight` say whether a side is a cut through ink rather than the piece's edge. */
export interface Slice extends Piece {
  readonly cutLeft: boolean;
  readonly cutRight: boolean;
  /** Runs of ink the cut on the right crosses (0 when cutRight is false). */
  readonly rightRuns: number;
  /** Index of the piece it was cut from. */
  readonly piece: number;
}

/**
 * Pieces wider than this share of the digit height may hold several touching digits and get candidate cuts. MNIST
 * digits are at most about as wide as tall (a 0, a 2 with a long foot); a touching pair is at least 1.2 times.
 */
const SPLIT_WIDTH = 0.6;
/** No cut nearer a piece's side than this share of the digit height: a digit is at least that wide, except a 1. */
const EDGE = 0.2;
/** Cuts are at least this share of the digit height apart. */
const SPACING = 0.2;
/**
 * One candidate cut per this share of the digit height of width beyond the first (each adds pieces to score; the
 * search scores only those its path needs). 0.45 left the right cut out of many touching pairs: with 0.3 and the
 * costs of search.ts, touching pairs on the tuning split went from 56% to 71% exact, other kinds within 1 point.
 */
const CUT_EVERY = 0.3;
/**
 * Weight of the contour valleys in choosing cut columns, per digit height of depth against the thinnest column's
 * ink (0 to 1). Two touching digits meet where the upper contour dips and the lower one rises (the valleys of
 * Fujisawa, Nakano and Kurino 1992 and of drop-fall cuts), often in a column no thinner than the digits' own
 * strokes: two 9s joined loop to stem, a 1 through a 4's bar. Ranking by ink alone left those joins uncut.
 * Tuning split (test digits 0-4999), touching pairs 73.0% -> 77.5% (weights 0.3, 0.6, 1.2, 2: 72.5, 73.0, 74.0,
 * 75.5; 8 and 16 as 4); spaced 94.5 -> 94.0, lone 99.0 -> 98.0, varied, photo, canvas unchanged. On three sets
 * composed another way (by Chromium, outside the repository): touching +3.5 to +4.5 points, and canvas -1 to -2,
 * where a few thick digits of odd shape are now cut at a dip of their own outline (weights 2 and 3 did the same).
 */
const CONTOUR_WEIGHT = 4;
/**
 * A cut may stray this share of the digit height from its column to follow the paper between strokes. 0.15 left
 * touching pairs at 69% on the tuning split; 0.4 was no better than 0.3 (set 76.5% against 77.5%).
 */
const BAND = 0.3;
/** A cut whose mean distance from the previous cut or a side is below this share of the digit height is a sliver. */
const MIN_APART = 0.1;
/** Cost of each column a cut moves sideways, against one full-strength ink pixel crossed. */
const STEP = 0.05;
/** Ink crossed on a sideways step counts a diagonal's length (1 would let cuts slide cheaply along a stroke). */
const DIAGONAL = Math.SQRT2;
/** Cost per row of each column a cut lies from its column: keeps it straight where there is paper everywhere. */
const CENTRE = 0.0005;

/**
 * Splits over-wide pieces at candidate cuts: columns where the piece's ink is thinnest (minima of the vertical
 * projection, the classic first cue for touching digits: Fujisawa, Nakano and Kurino 1992) and its contours dip
 * deepest (CONTOUR_WEIGHT). Whether a cut is used is decided later by recognition (search.ts); cutting too often
 * only costs classifier calls.
 * @param map the ink map
 * @param pieces the grouped pieces, left to right
 * @param height the digit height in working pixels
 * @param maxSlices the most slices returned (bounds the search); cuts stop being added past it
 * @returns slices left to right; an uncut piece is one slice with both sides uncut
 */
export function slicePieces(map: InkMap, pieces: readonly Piece[], height: number, maxSlices: number): Slice[] {
  const out: Slice[] = [];
  let budget = maxSlices - pieces.length;
  for (const [index, piece] of pieces.entries()) {
    const width = piece.box.maxX - piece.box.minX + 1;
    const cuts = width > SPLIT_WIDTH * height && budget > 0 ? candidateCuts(map, piece, height, budget) : [];
    const paths: CutPath[] = [];
    for (const x of cuts) {
      const path = cutAt(map, piece, x, height, paths[paths.length - 1]);
      if (path !== undefined) paths.push(path);
    }
    budget -= paths.length;
    const edges: (CutPath | undefined)[] = [undefined, ...paths, undefined];
    for (let k = 0; k + 1 < edges.length; k++) {
      const right = edges[k + 1];
      const slice = clip(map, piece, edges[k], right);
      if (slice !== undefined)
        out.push({
          ...slice,
          cutLeft: k > 0,
          cutRight: right !== undefined,
          rightRuns: right === undefined ? 0 : inkRuns(map, piece, right),
          piece: index,
        });
    }
  }
  return out;
}

/**
 * The cut near column x that crosses the least ink: a path down the piece's rows, one column sideways at most per
 * row, within BAND of the digit height of x and never left of the previous cut. Straight down a column when no valley is
 * better; along the paper between two strokes when they overlap in columns (a slanted 1 beside a 4, a 6's stem
 * over a 3's foot), where every straight cut crosses both (the valley-following cuts of touching-digit
 * segmentation: Congedo, Dimauro, Impedovo and Pirlo 1995's drop fall, Oliveira et al. 2002).
 * @param map the ink map
 * @param piece the piece to cut
 * @param x the cut's column (first column of its right side)
 * @param height the digit height in working pixels
 * @param previous the cut left of it in the same piece
 * @returns the path, or undefined when it would cut off a sliver
 */
function valleyPath(
  map: InkMap,
  piece: Piece,
  x: number,
  height: number,
  previous: CutPath | undefined,
): CutPath | undefined {
  const { minX, maxX, minY, maxY } = piece.box;
  const w = map.ink.width;
  const band = Math.round(BAND * height);
  // Never nearer a side than a cut column may be (as far as x itself is): cuts there shave ends off strokes
  // (on the independent set, 0.1 instead of EDGE: touching 77.5% -> 75.5%).
  const edge = Math.max(1, Math.round(EDGE * height));
  const lo = Math.max(minX + Math.min(edge, x - minX), x - band);
  const hi = Math.min(maxX + 1 - Math.min(edge, maxX + 1 - x), x + band);
  const span = hi - lo + 1;
  const rows = maxY - minY + 1;
  const labels = new Set(piece.parts.map((p) => p.label));
  let cost = new Float64Array(span);
  let next = new Float64Array(span);
  const move = new Int8Array(rows * span);
  for (let r = 0; r < rows; r++) {
    const y = minY + r;
    const floor = previous === undefined ? lo : Math.max(lo, previous.xs[r] as number);
    for (let j = 0; j < span; j++) {
      const cx = lo + j;
      const i = y * w + cx;
      const ink = labels.has(map.labels[i] as number) ? (map.ink.data[i] as number) : 0;
      const own = cx < floor ? Infinity : ink + CENTRE * Math.abs(cx - x);
      if (r === 0) {
        next[j] = own;
        continue;
      }
      // A sideways step through ink crosses a diagonal's length of it: sliding along a stroke is no cheaper
      // than crossing it.
      const side = STEP + (DIAGONAL - 1) * ink;
      let best = cost[j] as number;
      let step = 0;
      if (j > 0 && (cost[j - 1] as number) + side < best) {
        best = (cost[j - 1] as number) + side;
        step = -1;
      }
      if (j + 1 < span && (cost[j + 1] as number) + side < best) {
        best = (cost[j + 1] as number) + side;
        step = 1;
      }
      next[j] = best + own;
      move[r * span + j] = step;
    }
    [cost, next] = [next, cost];
  }
  let end = -1;
  for (let j = 0; j < span; j++) if (end < 0 || (cost[j] as number) < (cost[end] as number)) end = j;
  if (end < 0 || !Number.isFinite(cost[end])) return undefined;
  const xs = new Int32Array(rows);
  for (let r = rows - 1, j = end; r >= 0; r--) {
    xs[r] = lo + j;
    j += move[r * span + j] as number;
  }
  // Near the previous cut or a side of the piece everywhere, it cuts off a sliver, not a digit.
  let fromLeft = 0;
  let toRight = 0;
  xs.forEach((v, r) => {
    fromLeft += v - (previous === undefined ? minX : (previous.xs[r] as number));
    toRight += maxX + 1 - v;
  });
  if (Math.min(fromLeft, toRight) < MIN_APART * height * rows) return undefined;
  return { top: minY, xs };
}

/**
 * The cut at column x: the valley path where it crosses fewer strokes than the straight cut, else the straight
 * cut. Elsewhere the valley wanders through a loop's gap or along a stroke and carves a piece off a digit (a 9 read
 * as 7): on the report split, touching pairs read 87.5% with straight cuts, 85.5% with valleys always, 87.5% this
 * way; on the tuning split (count 100) 69% straight, 71% valleys always, 73% this way; on the independent set
 * 74.0%, 77.5%, 77.5%.
 * @param map the ink map
 * @param piece the piece to cut
 * @param x the cut's column (first column of its right side)
 * @param height the digit height in working pixels
 * @param previous the cut left of it in the same piece
 * @returns the cut, or undefined when it would cut off a sliver
 */
export function cutAt(
  map: InkMap,
  piece: Piece,
  x: number,
  height: number,
  previous: CutPath | undefined,
): CutPath | undefined {
  const valley = valleyPath(map, piece, x, height, previous);
  if (valley === undefined) return undefined;
  const straight = straightPath(piece, x, previous);
  return inkRuns(map, piece, valley) < inkRuns(map, piece, straight) ? valley : straight;
}

/** The straight cut down column x, kept right of the previous cut. */
function straightPath(piece: Piece, x: number, previous: CutPath | undefined): CutPath {
  const xs = new Int32Array(piece.box.maxY - piece.box.minY + 1);
  xs.forEach((_, r) => (xs[r] = Math.max(x, previous?.xs[r] ?? x)));
  return { top: piece.box.minY, xs };
}

/** Columns (the first column of the right side) where the piece may be cut, ascending. */
function candidateCuts(map: InkMap, piece: Piece, height: number, budget: number): number[] {
  const { minX, maxX } = piece.box;
  const profile = columnProfile(map, piece);
  const edge = Math.max(1, Math.round(EDGE * height));
  const spacing = Math.max(1, Math.round(SPACING * height));
  const wanted = Math.min(budget, Math.max(1, Math.floor((maxX - minX + 1) / (CUT_EVERY * height)) - 1));
  const columns: number[] = [];
  for (let x = minX + edge; x <= maxX - edge; x++) columns.push(x);
  // Rank columns by ink, less the depth of the contour valleys above and below them.
  const depth = contourDepth(map, piece);
  let peak = 0;
  for (const v of profile) peak = Math.max(peak, v);
  const rank = profile.map((v, i) => v / (peak || 1) - (CONTOUR_WEIGHT * (depth[i] as number)) / height);
  columns.sort((a, b) => (rank[a - minX] as number) - (rank[b - minX] as number) || a - b);
  const chosen: number[] = [];
  for (const x of columns) {
    if (chosen.length >= wanted) break;
    if (chosen.every((c) => Math.abs(c - x) >= spacing)) chosen.push(x);
  }
  return chosen.sort((a, b) => a - b);
}

/**
 * Per column: how far its topmost ink lies below the piece's top, plus how far its lowest ink lies above the
 * piece's bottom (a column without ink: the piece's height).
 */
function contourDepth(map: InkMap, piece: Piece): Float64Array {
  const { minX, minY, maxX, maxY } = piece.box;
  const w = map.ink.width;
  const labels = new Set(piece.parts.map((p) => p.label));
  const out = new Float64Array(maxX - minX + 1);
  for (let x = minX; x <= maxX; x++) {
    let top = maxY + 1;
    let bottom = minY - 1;
    for (let y = minY; y <= maxY; y++) {
      if (!labels.has(map.labels[y * w + x] as number)) continue;
      if (top > maxY) top = y;
      bottom = y;
    }
    out[x - minX] = top > maxY ? maxY - minY + 1 : top - minY + (maxY - bottom);
  }
  return out;
}

/** Ink per column of the piece (its parts' pixels only), smoothed over 3 columns. */
function columnProfile(map: InkMap, piece: Piece): Float64Array {
  const { minX, minY, maxX, maxY } = piece.box;
  const w = map.ink.width;
  const raw = new Float64Array(maxX - minX + 1);
  for (const part of piece.parts) {
    for (let y = minY; y <= maxY; y++) {
      for (let x = part.x0; x <= part.x1; x++) {
        if (map.labels[y * w + x] === part.label)
          raw[x - minX] = (raw[x - minX] as number) + (map.ink.data[y * w + x] as number);
      }
    }
  }
  const smooth = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const left = raw[Math.max(0, i - 1)] as number;
    const right = raw[Math.min(raw.length - 1, i + 1)] as number;
    smooth[i] = (left + 2 * (raw[i] as number) + right) / 4;
  }
  return smooth;
}

/** The piece's pixels between two cuts (its side when undefined), or undefined when there are none. */
function clip(map: InkMap, piece: Piece, left: CutPath | undefined, right: CutPath | undefined): Piece | undefined {
  const w = map.ink.width;
  const x0 = left === undefined ? -Infinity : Math.min(...left.xs);
  const x1 = right === undefined ? Infinity : Math.max(...right.xs) - 1;
  const parts: Part[] = [];
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -1;
  let maxY = -1;
  let mass = 0;
  for (const whole of piece.parts) {
    const part: Part = {
      label: whole.label,
      x0: Math.max(x0, whole.x0),
      x1: Math.min(x1, whole.x1),
      ...(left === undefined ? {} : { after: left }),
      ...(right === undefined ? {} : { before: right }),
    };
    if (part.x0 > part.x1) continue;
    let found = false;
    for (let y = piece.box.minY; y <= piece.box.maxY; y++) {
      for (let x = part.x0; x <= part.x1; x++) {
        if (map.labels[y * w + x] !== part.label || !inPart(part, x, y)) continue;
        found = true;
        mass += map.ink.data[y * w + x] as number;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
    if (found) parts.push(part);
  }
  return maxX < 0 ? undefined : { parts, box: { minX, minY, maxX, maxY }, mass };
}

/** Runs of the piece's ink along a cut (top to bottom): 1 where it crosses one stroke, 2 through a loop. */
function inkRuns(map: InkMap, piece: Piece, path: CutPath): number {
  const w = map.ink.width;
  let runs = 0;
  let inside = false;
  path.xs.forEach((x, r) => {
    const y = path.top + r;
    const label = map.labels[y * w + x];
    const ink = piece.parts.some((p) => p.label === label && x >= p.x0 && x <= p.x1);
    if (ink && !inside) runs++;
    inside = ink;
  });
  return runs;
}
