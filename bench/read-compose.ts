/**
 * Composes pictures of numbers for bench/read.ts from MNIST test digits (writers the model never saw), each kind the
 * way people bring numbers: written with gaps, with two digits touching or overlapping, photographed, drawn on a
 * canvas, a lone digit in a wide picture. Seeded: the same seed composes the same pictures.
 */
import {
  blur,
  morph,
  paint,
  paintTransparent,
  place,
  sharpen,
  toJpeg,
  toPng,
  type InkMap,
} from './robustness-render.js';

/** How the digits of one picture are laid out and rendered. */
export type HandwrittenKind = 'spaced' | 'touching' | 'photo' | 'canvas' | 'lone';

/** A composed picture and what it says. */
export interface Composed {
  readonly kind: string;
  readonly text: string;
  readonly file: Uint8Array;
}

const WHITE = [255, 255, 255] as const;
const PEN = [20, 20, 30] as const;

/** The ink box of a 28x28 digit (pixels above 0). */
function inkBox(pixels: Uint8Array): { x0: number; x1: number; y0: number; y1: number } {
  let x0 = 28;
  let x1 = -1;
  let y0 = 28;
  let y1 = -1;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      if (pixels[y * 28 + x]! === 0) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  return { x0, x1, y0, y1 };
}

const between = (random: () => number, lo: number, hi: number): number => lo + (hi - lo) * random();

/**
 * Lays digits out left to right on one ink map: each scaled to about `height` px (+-12%), its baseline moved by up
 * to 8% of the height, separated by gaps of 15-50% of the height, except the pair starting at `joined` (if any),
 * whose ink boxes overlap by `joinOverlap` of the narrower digit's width (touching, or overlapping ink).
 */
function layout(
  digits: readonly Uint8Array[],
  random: () => number,
  height: number,
  joined: number,
  joinOverlap: number,
  degrees: number,
): InkMap {
  const scales = digits.map(() => (height / 20) * between(random, 0.88, 1.12));
  const boxes = digits.map(inkBox);
  const lefts: number[] = [];
  let cursor = height * between(random, 0.3, 1);
  digits.forEach((_, i) => {
    const b = boxes[i]!;
    const w = (b.x1 - b.x0 + 1) * scales[i]!;
    if (i > 0) {
      const prev = boxes[i - 1]!;
      const prevW = (prev.x1 - prev.x0 + 1) * scales[i - 1]!;
      cursor += i - 1 === joined ? -joinOverlap * Math.min(w, prevW) : height * between(random, 0.15, 0.5);
    }
    lefts.push(cursor);
    cursor += w;
  });
  const width = Math.ceil(cursor + height * between(random, 0.3, 1));
  const canvasHeight = Math.ceil(height * 2);
  const data = new Float32Array(width * canvasHeight);
  digits.forEach((d, i) => {
    const s = scales[i]!;
    const b = boxes[i]!;
    const cx = lefts[i]! - (b.x0 - 14) * s;
    const baseline = canvasHeight * 0.75 + height * between(random, -0.08, 0.08);
    const cy = baseline - (b.y1 + 1 - 14) * s;
    const m = place(
      { width: 28, height: 28, data: Float32Array.from(d, (v) => v / 255) },
      width,
      canvasHeight,
      s,
      cx,
      cy,
      degrees,
    );
    for (let p = 0; p < data.length; p++) data[p] = Math.max(data[p]!, m.data[p]!);
  });
  return { width, height: canvasHeight, data };
}

/**
 * Composes one picture of handwritten digits.
 * @param kind the layout and rendering
 * @param digits 28x28 MNIST pictures, left to right
 * @param labels their labels
 * @param random the seeded generator
 * @returns the encoded file and the text it shows
 */
export function composeHandwritten(
  kind: HandwrittenKind,
  digits: readonly Uint8Array[],
  labels: readonly number[],
  random: () => number,
): Composed {
  const text = labels.join('');
  const joined = kind === 'touching' ? Math.floor(random() * (digits.length - 1)) : -1;
  const overlap = between(random, 0.05, 0.35);
  if (kind === 'lone') {
    const m = layout(digits, random, Math.round(between(random, 40, 70)), -1, 0, 0);
    const width = Math.round(m.height * between(random, 3, 5));
    const at = between(random, 0, width - m.width);
    const wide = place(m, width, m.height, 1, at + m.width / 2, m.height / 2);
    return { kind, text, file: toPng(paint(sharpen(wide), { paper: WHITE, ink: PEN }), wide.width, wide.height) };
  }
  const height = Math.round(between(random, 36, 64));
  if (kind === 'photo') {
    const m = blur(layout(digits, random, height, -1, 0, between(random, -4, 4)), 1.3);
    const rgba = paint(m, { paper: [212, 208, 196], ink: [45, 45, 60], gradient: 0.3, noise: 0.05, random });
    return { kind, text, file: toJpeg(rgba, m.width, m.height, 85) };
  }
  if (kind === 'canvas') {
    const m = morph(sharpen(layout(digits, random, height, -1, 0, 0)), Math.max(1, Math.round(height / 28)));
    return { kind, text, file: toPng(paintTransparent(m, [0, 0, 0]), m.width, m.height) };
  }
  const m = sharpen(layout(digits, random, height, joined, overlap, 0));
  return { kind, text, file: toPng(paint(m, { paper: WHITE, ink: PEN }), m.width, m.height) };
}
