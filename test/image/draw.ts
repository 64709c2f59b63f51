/** Test helpers: draw anti-aliased thick polylines ("digits") into ink maps and render them as PNG files. */
import { encodePng } from '../../src/image/encode-png.js';

export type Point = readonly [number, number];

/** Ink in [0, 1] of a `width` x `height` canvas with the polyline drawn `thickness` px wide. */
export function drawStrokes(
  width: number,
  height: number,
  strokes: readonly (readonly Point[])[],
  thickness: number,
): Float32Array {
  const ink = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let d = Infinity;
      for (const line of strokes) {
        for (let i = 0; i + 1 < line.length; i++)
          d = Math.min(d, segmentDistance(x + 0.5, y + 0.5, line[i]!, line[i + 1]!));
        if (line.length === 1) d = Math.min(d, Math.hypot(x + 0.5 - line[0]![0], y + 0.5 - line[0]![1]));
      }
      ink[y * width + x] = Math.min(1, Math.max(0, thickness / 2 - d + 0.5));
    }
  }
  return ink;
}

function segmentDistance(px: number, py: number, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - a[0]) * dx + (py - a[1]) * dy) / len2));
  return Math.hypot(px - a[0] - t * dx, py - a[1] - t * dy);
}

/** Grey PNG: ink as white on black (`darkInk` false) or dark on white paper (true). */
export function inkToGreyPng(ink: Float32Array, width: number, height: number, darkInk: boolean): Uint8Array {
  const grey = Uint8Array.from(ink, (v) => Math.round(255 * (darkInk ? 1 - v : v)));
  return encodePng(grey, width, height, 1);
}

/** RGBA PNG: strokes of `colour` whose alpha is the ink, on a fully transparent canvas. */
export function inkToTransparentPng(ink: Float32Array, width: number, height: number, colour: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  ink.forEach((v, i) => rgba.set([colour, colour, colour, Math.round(255 * v)], i * 4));
  return encodePng(rgba, width, height, 4);
}

/** Mean absolute difference of two 784-byte images, in grey levels (0..255). */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** Like {@link meanAbsDiff} but forgiving a translation of at most one pixel (centring rounds to whole pixels). */
export function shiftTolerantDiff(a: Uint8Array, b: Uint8Array): number {
  let best = Infinity;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      let sum = 0;
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const sx = x + dx;
          const sy = y + dy;
          const other = sx < 0 || sy < 0 || sx >= 28 || sy >= 28 ? 0 : b[sy * 28 + sx]!;
          sum += Math.abs(a[y * 28 + x]! - other);
        }
      }
      best = Math.min(best, sum / 784);
    }
  }
  return best;
}

/** {@link shiftTolerantDiff} of 3x3 box-blurred images: also forgives half-pixel phase differences of thin strokes. */
export function blurredDiff(a: Uint8Array, b: Uint8Array): number {
  return shiftTolerantDiff(boxBlur(a), boxBlur(b));
}

function boxBlur(a: Uint8Array): Uint8Array {
  const out = new Uint8Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      let sum = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++)
          sum += a[Math.min(27, Math.max(0, y + dy)) * 28 + Math.min(27, Math.max(0, x + dx))]!;
      out[y * 28 + x] = Math.round(sum / 9);
    }
  }
  return out;
}
