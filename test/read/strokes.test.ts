import { describe, expect, it } from 'vitest';
import type { GrayImage } from '../../src/image/gray.js';
import { findInk, type InkMap } from '../../src/read/ink.js';
import { groupPieces, type Piece } from '../../src/read/pieces.js';
import { strokeSplits, type InkPixels } from '../../src/read/strokes.js';

type Shape = (x: number, y: number) => boolean;

/** Paper with dark ink wherever one of the shapes holds. */
function picture(width: number, height: number, ...shapes: Shape[]): GrayImage {
  const data = new Float32Array(width * height).fill(1);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) if (shapes.some((s) => s(x, y))) data[y * width + x] = 0;
  return { width, height, data };
}

/** Points within `thickness` of the outline of the ellipse centred at (cx, cy) with radii rx, ry. */
const ring =
  (cx: number, cy: number, rx: number, ry: number, thickness: number): Shape =>
  (x, y) =>
    Math.abs(Math.hypot((x - cx) / rx, (y - cy) / ry) - 1) * Math.min(rx, ry) < thickness / 2;
/** Points within `thickness` of the segment from (x0, y0) to (x1, y1). */
const stroke =
  (x0: number, y0: number, x1: number, y1: number, thickness: number): Shape =>
  (x, y) => {
    const t = Math.max(
      0,
      Math.min(1, ((x - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / ((x1 - x0) ** 2 + (y1 - y0) ** 2)),
    );
    return Math.hypot(x - x0 - t * (x1 - x0), y - y0 - t * (y1 - y0)) < thickness / 2;
  };

function onePiece(gray: GrayImage): { map: InkMap; piece: Piece; height: number } {
  const map = findInk(gray);
  const grouped = groupPieces(map, 32);
  if ('tooMany' in grouped) throw new Error('too many pieces');
  expect(grouped.pieces).toHaveLength(1);
  return { map, piece: grouped.pieces[0] as Piece, height: grouped.height };
}

/** Share of a side's pixels that lie in the shape (working pixels are the picture's: it is small). */
function within(map: InkMap, side: InkPixels, shape: Shape): number {
  let n = 0;
  for (const i of side.pixels) if (shape(i % map.ink.width, Math.floor(i / map.ink.width))) n++;
  return n / side.pixels.length;
}

/** Share of the shape's ink pixels that are on the side. */
function covers(map: InkMap, side: InkPixels, shape: Shape): number {
  const mine = new Set(side.pixels);
  let all = 0;
  let held = 0;
  for (let i = 0; i < map.labels.length; i++) {
    if (map.labels[i] === 0 || !shape(i % map.ink.width, Math.floor(i / map.ink.width))) continue;
    all++;
    if (mine.has(i)) held++;
  }
  return held / all;
}

describe('strokeSplits', () => {
  it('parts two rings drawn into each other (a 0 and a 0 overlapping) into the two rings, each whole', () => {
    const first = ring(70, 60, 28, 40, 7);
    const second = ring(112, 60, 28, 40, 7);
    const { map, piece, height } = onePiece(picture(200, 120, first, second));
    const splits = strokeSplits(map, piece.parts, piece.box, height, 16);
    // Some split gives each ring all its ink, and the other's only near where they cross.
    const whole = splits.find(
      (s) =>
        covers(map, s.left, first) > 0.98 &&
        covers(map, s.right, second) > 0.98 &&
        within(map, s.left, first) > 0.85 &&
        within(map, s.right, second) > 0.85,
    );
    expect(whole).toBeDefined();
    // Each ring is whole on its side: its box spans the ring, across the other's strokes.
    expect(whole?.left.box.maxX).toBeGreaterThan(95);
    expect(whole?.right.box.minX).toBeLessThan(87);
    // No cut does that: every column between the crossings holds both rings' strokes.
  });

  it('offers no split of a single stroke or a single loop', () => {
    for (const shape of [ring(80, 60, 30, 40, 7), stroke(60, 20, 100, 100, 7)]) {
      const { map, piece, height } = onePiece(picture(160, 120, shape));
      expect(strokeSplits(map, piece.parts, piece.box, height, 16)).toEqual([]);
    }
  });

  it('keeps each side of every split at least half a digit tall and at most about a digit wide', () => {
    const { map, piece, height } = onePiece(
      picture(200, 120, stroke(62, 16, 50, 104, 7), ring(84, 60, 26, 40, 7), stroke(100, 20, 150, 100, 7)),
    );
    const splits = strokeSplits(map, piece.parts, piece.box, height, 64);
    expect(splits.length).toBeGreaterThan(0);
    for (const s of splits) {
      for (const side of [s.left, s.right]) {
        expect(side.box.maxY - side.box.minY + 1).toBeGreaterThanOrEqual(0.45 * height);
        expect(side.box.maxX - side.box.minX + 1).toBeLessThanOrEqual(1.1 * height + 1);
      }
    }
  });
});
