import type { InkMap } from './ink.js';
import type { Part, Piece } from './pieces.js';

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
 * Splits over-wide pieces at candidate cuts: columns where the piece's ink is thinnest (minima of the vertical
 * projection, the classic first cue for touching digits: Fujisawa, Nakano and Kurino 1992). Whether a cut is used is
 * decided later by recognition (search.ts); cutting too often only costs classifier calls.
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
    budget -= cuts.length;
    const edges = [piece.box.minX, ...cuts, piece.box.maxX + 1];
    for (let k = 0; k + 1 < edges.length; k++) {
      const slice = clip(map, piece, edges[k] as number, (edges[k + 1] as number) - 1);
      const cutRight = k + 2 < edges.length;
      if (slice !== undefined)
        out.push({
          ...slice,
          cutLeft: k > 0,
          cutRight,
          rightRuns: cutRight ? inkRuns(map, piece, edges[k + 1] as number) : 0,
          piece: index,
        });
    }
  }
  return out;
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
  columns.sort((a, b) => (profile[a - minX] as number) - (profile[b - minX] as number) || a - b);
  const chosen: number[] = [];
  for (const x of columns) {
    if (chosen.length >= wanted) break;
    if (chosen.every((c) => Math.abs(c - x) >= spacing)) chosen.push(x);
  }
  return chosen.sort((a, b) => a - b);
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

/** The piece's pixels in columns [x0, x1], or undefined when there are none. */
function clip(map: InkMap, piece: Piece, x0: number, x1: number): Piece | undefined {
  const w = map.ink.width;
  const parts: Part[] = [];
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -1;
  let maxY = -1;
  let mass = 0;
  for (const part of piece.parts) {
    const a = Math.max(x0, part.x0);
    const b = Math.min(x1, part.x1);
    if (a > b) continue;
    let found = false;
    for (let y = piece.box.minY; y <= piece.box.maxY; y++) {
      for (let x = a; x <= b; x++) {
        if (map.labels[y * w + x] !== part.label) continue;
        found = true;
        mass += map.ink.data[y * w + x] as number;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
    if (found) parts.push({ label: part.label, x0: a, x1: b });
  }
  return maxX < 0 ? undefined : { parts, box: { minX, minY, maxX, maxY }, mass };
}

/** Runs of the piece's ink in column x (top to bottom): 1 where a cut crosses one stroke, 2 through a loop. */
function inkRuns(map: InkMap, piece: Piece, x: number): number {
  const w = map.ink.width;
  let runs = 0;
  let inside = false;
  for (let y = piece.box.minY; y <= piece.box.maxY; y++) {
    const label = map.labels[y * w + x];
    const ink = piece.parts.some((p) => p.label === label && x >= p.x0 && x <= p.x1);
    if (ink && !inside) runs++;
    inside = ink;
  }
  return runs;
}
