import { describe, expect, it } from 'vitest';
import type { GrayImage } from '../../src/image/gray.js';
import { cutAt, slicePieces } from '../../src/read/cuts.js';
import { findInk } from '../../src/read/ink.js';
import { groupPieces, type Piece } from '../../src/read/pieces.js';

/** Paper with dark ink wherever `ink(x, y)` holds. */
function picture(width: number, height: number, ink: (x: number, y: number) => boolean): GrayImage {
  const data = new Float32Array(width * height).fill(1);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (ink(x, y)) data[y * width + x] = 0;
  return { width, height, data };
}

/** Points within `thickness` of the outline of the ellipse centred at (cx, cy) with radii rx, ry. */
const ring = (cx: number, cy: number, rx: number, ry: number, thickness: number) => (x: number, y: number) =>
  Math.abs(Math.hypot((x - cx) / rx, (y - cy) / ry) - 1) * Math.min(rx, ry) < thickness / 2;
/** Points within `thickness` of the segment from (x0, y0) to (x1, y1). */
const stroke = (x0: number, y0: number, x1: number, y1: number, thickness: number) => (x: number, y: number) => {
  const t = Math.max(0, Math.min(1, ((x - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / ((x1 - x0) ** 2 + (y1 - y0) ** 2)));
  return Math.hypot(x - x0 - t * (x1 - x0), y - y0 - t * (y1 - y0)) < thickness / 2;
};

/** The slices of a picture's one piece, with the digit height the reader would use. */
function slicesOf(gray: GrayImage) {
  const map = findInk(gray);
  const grouped = groupPieces(map, 32);
  if ('tooMany' in grouped) throw new Error('too many pieces');
  expect(grouped.pieces).toHaveLength(1);
  return slicePieces(map, grouped.pieces, grouped.height, 16);
}

describe('slicePieces: strokes a cut crosses', () => {
  it('counts two for a cut through a wide ring (a 0 must not be cut in halves cheaply)', () => {
    const slices = slicesOf(picture(160, 120, ring(80, 60, 40, 40, 8)));
    const cuts = slices.filter((s) => s.cutRight);
    expect(cuts.length).toBeGreaterThan(0);
    for (const s of cuts) expect(s.rightRuns).toBe(2);
    for (const s of slices.filter((s) => !s.cutRight)) expect(s.rightRuns).toBe(0);
  });

  it('counts one for the cut at the join of two strokes that touch', () => {
    // Two upright bars joined by one short stroke at mid-height: an H, the shape of two touching 1s.
    const h = (x: number, y: number) =>
      stroke(40, 20, 40, 100, 8)(x, y) || stroke(90, 20, 90, 100, 8)(x, y) || stroke(40, 60, 90, 60, 6)(x, y);
    const slices = slicesOf(picture(140, 120, h));
    const cuts = slices.filter((s) => s.cutRight);
    expect(cuts.length).toBeGreaterThan(0);
    expect(cuts.some((s) => s.rightRuns === 1)).toBe(true);
  });
});

describe('slicePieces: where it cuts', () => {
  it('cuts two overlapping loops where they meet and the contours dip, though that column holds the most ink', () => {
    // Two rings side by side that overlap in columns 84-92, as two 0s written into each other: every column inside a
    // loop holds less ink than the meeting columns, so ranking by ink alone cuts only through the loops.
    const gray = picture(190, 120, (x, y) => ring(60, 60, 30, 42, 8)(x, y) || ring(116, 60, 30, 42, 8)(x, y));
    const cuts = slicesOf(gray)
      .filter((s) => s.cutRight)
      .map((s) => s.box.maxX + 1);
    expect(cuts.some((x) => Math.abs(x - 88) <= 6)).toBe(true);
  });
});

describe('cutAt: cuts that follow the paper between strokes', () => {
  /** The picture's ink map and its one piece, with the digit height the reader would use. */
  function pieceOf(gray: GrayImage) {
    const map = findInk(gray);
    const grouped = groupPieces(map, 32);
    if ('tooMany' in grouped) throw new Error('too many pieces');
    expect(grouped.pieces).toHaveLength(1);
    return { map, piece: grouped.pieces[0] as Piece, height: grouped.height };
  }

  it('parts two slanted strokes that share columns, where a straight cut crosses both', () => {
    // Two parallel slanted bars joined by a thin foot, as a slanted 1 touching its neighbour: column 60 holds the
    // left bar's top and the right bar's foot.
    const left = stroke(30, 100, 60, 20, 6);
    const right = stroke(60, 100, 90, 20, 6);
    const gray = picture(130, 120, (x, y) => left(x, y) || right(x, y) || stroke(30, 100, 60, 100, 4)(x, y));
    const { map, piece, height } = pieceOf(gray);
    const cut = cutAt(map, piece, 60, height, undefined);
    if (cut === undefined) throw new Error('no cut');
    const w = map.ink.width;
    // Above the foot, every pixel of the left bar lies left of the cut and every pixel of the right bar right of it.
    for (let y = piece.box.minY; y < 92; y++) {
      const at = cut.xs[y - cut.top] as number;
      for (let x = 0; x < w; x++) {
        if (map.labels[y * w + x] === 0) continue;
        if (left(x, y) && !right(x, y)) expect(x).toBeLessThan(at);
        if (right(x, y) && !left(x, y)) expect(x).toBeGreaterThanOrEqual(at);
      }
    }
  });

  it('stays straight where following the paper crosses as many strokes', () => {
    // Two tall bars joined by a crossbar with a thin spot beside the cut's column: the cheaper way through it
    // still crosses one stroke, and would carve the crossbar off at a slant.
    const bar = (x: number, y: number) =>
      stroke(20, 20, 20, 100, 6)(x, y) ||
      stroke(120, 20, 120, 100, 6)(x, y) ||
      (x >= 20 && x <= 120 && Math.abs(y - 60) <= (Math.abs(x - 82) < 3 ? 1 : 6));
    const { map, piece, height } = pieceOf(picture(140, 120, bar));
    const cut = cutAt(map, piece, 70, height, undefined);
    if (cut === undefined) throw new Error('no cut');
    expect([...cut.xs].every((x) => x === 70)).toBe(true);
  });
});
