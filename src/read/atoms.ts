import type { Component } from '../image/components.js';
import type { InkPieces } from './ink.js';

/**
 * The smallest units the reader assembles digits from: a connected piece of ink, a small piece attached to the one
 * it belongs to (a 5's detached bar, an i's dot), or a slice of a piece cut at a candidate cut (touching digits).
 * A digit is then one or more consecutive atoms, chosen by recognition (search.ts).
 */
export interface Atom {
  /** The component labels whose ink this atom holds. */
  readonly labels: readonly number[];
  /** The columns (working pixels, inclusive) of those components it holds: all of them unless cut. */
  readonly fromX: number;
  readonly toX: number;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  /** Ink mass (sum of ink values), for weighting. */
  readonly mass: number;
  /** Whether the atom's left edge is a cut through connected ink (a digit starting there splits a stroke). */
  readonly cutLeft: boolean;
}

/** A piece no taller or wider than this share of the digit height is a speck (dust, a dot, a comma). */
const SPECK = 0.22;
/** A piece shorter than this share of the digit height is a fragment (or a dash), not a digit by itself. */
const MINOR = 0.45;
/** A fragment joins the piece it overlaps by at least this share of its own width. */
const ATTACH_OVERLAP = 0.3;
/** ...and lies at most this share of the digit height above or below it. */
const ATTACH_GAP = 0.35;
/** A piece wider than this share of the digit height may hold touching digits: it gets candidate cuts. */
const WIDE = 0.95;
/** Candidate cuts keep at least this share of the digit height from the piece's ends and from each other. */
const CUT_MARGIN = 0.18;
/** Candidate cuts per digit height of a piece's width (the lowest columns of the ink's vertical projection)... */
const CUTS_PER_HEIGHT = 2.5;
/** ...and at most this many per piece, which bounds the search's work whatever the piece. */
const MAX_CUTS = 8;

/** What the atoms are made from: the ink pieces that count, and the ones left out as specks. */
export interface AtomSet {
  readonly atoms: readonly Atom[];
  readonly specks: readonly Component[];
  /** The estimated digit height in working pixels (the tallest substantial piece). */
  readonly digitHeight: number;
}

const height = (c: { minY: number; maxY: number }): number => c.maxY - c.minY + 1;
const width = (c: { minX: number; maxX: number }): number => c.maxX - c.minX + 1;

/**
 * The digit height: the tallest piece among those with at least a tenth of the largest piece's mass (so a long
 * thin scratch or a speck does not set it).
 * @param pieces the ink pieces
 * @returns the height in working pixels (0 when there is no piece)
 */
export function estimateDigitHeight(pieces: readonly Component[]): number {
  let largest = 0;
  for (const c of pieces) largest = Math.max(largest, c.mass);
  let tallest = 0;
  for (const c of pieces) if (c.mass >= 0.1 * largest) tallest = Math.max(tallest, height(c));
  return tallest;
}

/**
 * Splits the substantial pieces from the specks (sorted by size: a speck is below SPECK of the digit height).
 * @param pieces all ink pieces
 * @param digitHeight from {@link estimateDigitHeight}
 * @returns the pieces that may be (part of) a digit, and the specks
 */
export function separateSpecks(
  pieces: readonly Component[],
  digitHeight: number,
): { substantial: Component[]; specks: Component[] } {
  const substantial: Component[] = [];
  const specks: Component[] = [];
  const limit = SPECK * digitHeight;
  for (const c of pieces) (Math.max(height(c), width(c)) < limit ? specks : substantial).push(c);
  return { substantial, specks };
}

/**
 * Builds the atoms: fragments attached to the piece they belong to, wide pieces cut at their candidate cuts, in
 * reading order (left to right by centre).
 * @param ink the ink pieces of the picture
 * @param substantial the pieces that are not specks
 * @param digitHeight the estimated digit height
 * @returns the atoms
 */
export function buildAtoms(ink: InkPieces, substantial: readonly Component[], digitHeight: number): Atom[] {
  const majors = substantial.filter((c) => height(c) >= MINOR * digitHeight);
  const groups = new Map<Component, Component[]>(majors.map((m) => [m, [m]]));
  const loose: Component[] = [];
  for (const c of substantial) {
    if (groups.has(c)) continue;
    const host = hostOf(c, majors, digitHeight);
    if (host === undefined) loose.push(c);
    else groups.get(host)!.push(c);
  }
  const atoms: Atom[] = [];
  for (const [major, members] of groups) {
    if (members.length === 1 && width(major) > WIDE * digitHeight) atoms.push(...cutPiece(ink, major, digitHeight));
    else atoms.push(merge(members));
  }
  for (const c of loose) atoms.push(merge([c]));
  return atoms.sort((a, b) => a.minX + a.maxX - (b.minX + b.maxX));
}

/** The major piece a fragment belongs to: the one it overlaps most in x, if it overlaps enough and lies near. */
function hostOf(c: Component, majors: readonly Component[], digitHeight: number): Component | undefined {
  let best: Component | undefined;
  let bestOverlap = 0;
  for (const m of majors) {
    const overlap = Math.min(c.maxX, m.maxX) - Math.max(c.minX, m.minX) + 1;
    const gap = Math.max(0, c.minY - m.maxY, m.minY - c.maxY);
    if (overlap >= ATTACH_OVERLAP * width(c) && gap <= ATTACH_GAP * digitHeight && overlap > bestOverlap) {
      best = m;
      bestOverlap = overlap;
    }
  }
  return best;
}

function merge(members: readonly Component[]): Atom {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let mass = 0;
  for (const c of members) {
    minX = Math.min(minX, c.minX);
    minY = Math.min(minY, c.minY);
    maxX = Math.max(maxX, c.maxX);
    maxY = Math.max(maxY, c.maxY);
    mass += c.mass;
  }
  return { labels: members.map((c) => c.label), fromX: minX, toX: maxX, minX, minY, maxX, maxY, mass, cutLeft: false };
}

/**
 * Cuts a wide piece into slices at the lowest columns of its vertical ink projection (where touching digits
 * usually meet: a thin junction). The search later joins slices back, so a cut through one digit costs nothing
 * but a few classifications: a single digit is never split unless two digits read better.
 */
function cutPiece(ink: InkPieces, piece: Component, digitHeight: number): Atom[] {
  const { labels, ink: map } = ink;
  const w = map.width;
  const columns = new Float64Array(width(piece));
  for (let y = piece.minY; y <= piece.maxY; y++) {
    for (let x = piece.minX; x <= piece.maxX; x++) {
      if (labels[y * w + x] === piece.label) columns[x - piece.minX]! += 1;
    }
  }
  const margin = Math.max(2, Math.round(CUT_MARGIN * digitHeight));
  const candidates: number[] = [];
  for (let i = margin; i < columns.length - margin; i++) {
    const v = columns[i]!;
    if (v <= columns[i - 1]! && v <= columns[i + 1]!) candidates.push(i);
  }
  candidates.sort((a, b) => columns[a]! - columns[b]! || a - b);
  const cuts: number[] = [];
  for (const c of candidates) {
    if (cuts.length >= Math.min(MAX_CUTS, Math.ceil((CUTS_PER_HEIGHT * columns.length) / digitHeight))) break;
    if (cuts.every((k) => Math.abs(k - c) >= margin)) cuts.push(c);
  }
  cuts.sort((a, b) => a - b);
  const slices: Atom[] = [];
  let from = 0;
  for (const cut of [...cuts, columns.length]) {
    const slice = sliceOf(ink, piece, piece.minX + from, piece.minX + cut - 1, slices.length > 0);
    if (slice !== undefined) slices.push(slice);
    from = cut;
  }
  return slices;
}

/** The part of `piece` in columns [fromX, toX], with its own box and mass; undefined when it holds no ink. */
function sliceOf(ink: InkPieces, piece: Component, fromX: number, toX: number, cutLeft: boolean): Atom | undefined {
  const w = ink.ink.width;
  let minY = Infinity;
  let maxY = -Infinity;
  let minX = Infinity;
  let maxX = -Infinity;
  let mass = 0;
  for (let y = piece.minY; y <= piece.maxY; y++) {
    for (let x = fromX; x <= toX; x++) {
      const i = y * w + x;
      if (ink.labels[i] !== piece.label) continue;
      mass += ink.ink.data[i]!;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
    }
  }
  if (mass === 0) return undefined;
  return { labels: [piece.label], fromX, toX, minX, minY, maxX, maxY, mass, cutLeft };
}
