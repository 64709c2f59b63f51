import type { Component } from '../image/components.js';
import type { InkMap } from './ink.js';

/**
 * A cut through a piece that need not be straight: for each row from `top` down, the first column on its right
 * side. Overlapping neighbours (a slanted 1 under its neighbour's top) share columns, so no straight cut parts them.
 */
export interface CutPath {
  readonly top: number;
  readonly xs: Int32Array;
}

/** The pixels of one component between two columns (a whole component, or one side of a cut through it). */
export interface Part {
  readonly label: number;
  /** First column, inclusive. */
  readonly x0: number;
  /** Last column, inclusive. */
  readonly x1: number;
  /** When set, only the pixels at or right of this cut. */
  readonly after?: CutPath;
  /** When set, only the pixels left of this cut. */
  readonly before?: CutPath;
}

/**
 * Whether pixel (x, y) of the part's component lies in the part (the caller checks the label).
 * @param part the part
 * @param x column
 * @param y row
 * @returns true when it lies between the part's columns and on its side of its cuts
 */
export function inPart(part: Part, x: number, y: number): boolean {
  if (x < part.x0 || x > part.x1) return false;
  const { after, before } = part;
  if (after !== undefined && x < (after.xs[y - after.top] ?? -Infinity)) return false;
  return before === undefined || x < (before.xs[y - before.top] ?? Infinity);
}

/**
 * The columns of row y that lie in the part: {@link inPart} for a whole row, its cuts looked up once.
 * @param part the part
 * @param y row
 * @returns the first and last column, inclusive (`to < from` when none)
 */
export function partColumns(part: Part, y: number): { from: number; to: number } {
  const { after, before } = part;
  const left = after === undefined ? undefined : after.xs[y - after.top];
  const right = before === undefined ? undefined : before.xs[y - before.top];
  return {
    from: left !== undefined && left > part.x0 ? left : part.x0,
    to: right !== undefined && right - 1 < part.x1 ? right - 1 : part.x1,
  };
}

/** An inclusive box in working pixels. */
export interface InkBox {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/** The smallest box holding both. */
export function unionBox(a: InkBox, b: InkBox): InkBox {
  return {
    minX: Math.min(a.minX, b.minX),
    minY: Math.min(a.minY, b.minY),
    maxX: Math.max(a.maxX, b.maxX),
    maxY: Math.max(a.maxY, b.maxY),
  };
}

/** A piece of ink: one or more parts read as a unit (a component and the fragments that belong to it). */
export interface Piece {
  readonly parts: readonly Part[];
  readonly box: InkBox;
  /** Sum of the ink values of its pixels. */
  readonly mass: number;
}

/** What the picture's components became: the pieces to read, the marks too small to be digits, the digit height. */
export interface PieceSet {
  readonly pieces: Piece[];
  readonly small: InkBox[];
  /** Typical digit height in working pixels (the median height of the tall pieces). */
  readonly height: number;
}

/** Components whose longer side is under this share of the digit height are dust: not counted, not listed. */
const DUST = 0.1;
/** Components shorter than this share of the tallest may be fragments of a taller neighbour. */
const FRAGMENT_HEIGHT = 0.65;
/**
 * Two components whose columns overlap by at least this share of the narrower one belong together when one is a
 * fragment or they are stacked: a 5's detached top bar, a 7's crossbar, the halves of a broken stroke lie over
 * their digit; side-by-side neighbours overlap less, and are never stacked.
 */
const FRAGMENT_OVERLAP = 0.5;
/** A 5's detached top bar is at most this share of the tallest component's height (see barOnTop). */
const BAR_HEIGHT = 0.3;
/** A 5's detached top bar is at least this many times as wide as it is tall. */
export const BAR_FLATNESS = 1.5;
/** Stacked: the rows two components share are at most this share of the shorter one's height. */
const STACKED = 0.25;
/** Marks this near a piece's box (share of the digit height) are its specks, not separate marks. */
const NEAR = 0.15;
/** Lone marks whose longer side is under this share of the digit height are too small to be digits (a dot, a comma). */
const TOO_SMALL = 0.3;
/** Tall pieces are at least this share of the tallest piece's height. */
const TALL = 0.5;

const heightOf = (b: InkBox): number => b.maxY - b.minY + 1;
const widthOf = (b: InkBox): number => b.maxX - b.minX + 1;

/**
 * Groups the picture's components into pieces: dust dropped, fragments joined to the digit they lie over, lone
 * small marks set aside. Counts before any per-piece work, so a page of text is refused after work linear in pixels.
 * @param map the ink map from findInk
 * @param maxPieces the most pieces allowed
 * @returns the pieces left to right by centre, or how many pieces there are when over maxPieces
 */
export function groupPieces(map: InkMap, maxPieces: number): PieceSet | { tooMany: number } {
  const { components } = map;
  let tallest = 0;
  for (const c of components) tallest = Math.max(tallest, heightOf(c));
  const marks: Component[] = [];
  for (const c of components) {
    if (Math.max(heightOf(c), widthOf(c)) < DUST * tallest) continue;
    marks.push(c);
    // Past this many marks the picture is refused whatever the grouping (bounds the pairwise pass below).
    if (marks.length > 4 * maxPieces) return { tooMany: marks.length };
  }
  const parent = marks.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i] as number] as number;
    return i;
  };
  for (let i = 0; i < marks.length; i++) {
    for (let j = i + 1; j < marks.length; j++) {
      if (belongTogether(marks[i] as Component, marks[j] as Component, tallest)) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, Component[]>();
  marks.forEach((c, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), c]);
  });
  let grouped = [...groups.values()].map(toPiece);
  const tall = grouped.map((p) => heightOf(p.box)).filter((h) => h >= TALL * tallest);
  tall.sort((a, b) => a - b);
  const height = tall.length === 0 ? tallest : (tall[tall.length >> 1] as number);
  // Specks beside a digit (a pen's skip, JPEG ringing) go with it: normalization drops them as it does for uploads.
  const big = grouped.filter((p) => Math.max(heightOf(p.box), widthOf(p.box)) >= TOO_SMALL * height);
  const small: InkBox[] = [];
  const near = NEAR * height;
  for (const p of grouped) {
    if (big.includes(p)) continue;
    const host = big.find(
      (q) =>
        p.box.maxX >= q.box.minX - near &&
        p.box.minX <= q.box.maxX + near &&
        p.box.maxY >= q.box.minY - near &&
        p.box.minY <= q.box.maxY + near,
    );
    if (host === undefined) small.push(p.box);
    else big[big.indexOf(host)] = merge(host, p);
  }
  grouped = big;
  if (grouped.length > maxPieces) return { tooMany: grouped.length };
  grouped.sort((a, b) => a.box.minX + a.box.maxX - b.box.minX - b.box.maxX);
  return { pieces: grouped, small, height };
}

function belongTogether(a: Component, b: Component, tallest: number): boolean {
  if (barOnTop(a, b, tallest) || barOnTop(b, a, tallest)) return true;
  const overlap = Math.min(a.maxX, b.maxX) - Math.max(a.minX, b.minX) + 1;
  if (overlap < FRAGMENT_OVERLAP * Math.min(widthOf(a), widthOf(b))) return false;
  const shorter = Math.min(heightOf(a), heightOf(b));
  if (shorter < FRAGMENT_HEIGHT * tallest) return true;
  const shared = Math.min(a.maxY, b.maxY) - Math.max(a.minY, b.minY) + 1;
  return shared <= STACKED * shorter;
}

/**
 * A 5's top bar written apart from its body and off to the right: a flat stroke that starts over the body's columns
 * and sits at its top. Its columns overlap the body's too little for FRAGMENT_OVERLAP (a bar mostly right of it).
 */
function barOnTop(bar: Component, body: Component, tallest: number): boolean {
  const h = heightOf(bar);
  if (h > BAR_HEIGHT * tallest || widthOf(bar) < BAR_FLATNESS * h || heightOf(body) < FRAGMENT_HEIGHT * tallest)
    return false;
  if (bar.minX <= body.minX || bar.minX > body.maxX) return false;
  return (bar.minY + bar.maxY) / 2 <= body.minY + heightOf(body) / 3;
}

function merge(a: Piece, b: Piece): Piece {
  return {
    parts: [...a.parts, ...b.parts],
    box: {
      minX: Math.min(a.box.minX, b.box.minX),
      minY: Math.min(a.box.minY, b.box.minY),
      maxX: Math.max(a.box.maxX, b.box.maxX),
      maxY: Math.max(a.box.maxY, b.box.maxY),
    },
    mass: a.mass + b.mass,
  };
}

/**
 * A piece made of whole components.
 * @param components at least one
 * @returns the piece with its box and mass
 */
export function toPiece(components: readonly Component[]): Piece {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let mass = 0;
  for (const c of components) {
    minX = Math.min(minX, c.minX);
    minY = Math.min(minY, c.minY);
    maxX = Math.max(maxX, c.maxX);
    maxY = Math.max(maxY, c.maxY);
    mass += c.mass;
  }
  return {
    parts: components.map((c) => ({ label: c.label, x0: c.minX, x1: c.maxX })),
    box: { minX, minY, maxX, maxY },
    mass,
  };
}
