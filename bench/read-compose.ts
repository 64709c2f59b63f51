/**
 * Composes pictures of numbers from MNIST digits for bench/read.ts: each kind of picture people send (spaced
 * handwriting, a touching or overlapping pair, varied sizes and baselines, a phone photo, a canvas drawing, a lone
 * digit in a wide picture). Seeded: the same seed and digits give the same pictures.
 */
import {
  blur,
  fromMnist,
  morph,
  paint,
  paintTransparent,
  place,
  toJpeg,
  toPng,
  type InkMap,
} from './robustness-render.js';

/** The kinds of handwritten compositions. */
export const HANDWRITTEN_KINDS = ['spaced', 'touching', 'varied', 'photo', 'canvas', 'lone'] as const;
export type HandwrittenKind = (typeof HANDWRITTEN_KINDS)[number];

/** One composed picture and the number it shows. */
export interface Composed {
  readonly kind: string;
  readonly text: string;
  readonly file: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** Draws one digit from a pool of MNIST digits: its pixels and label. */
export type DigitSource = (random: () => number) => { readonly pixels: Uint8Array; readonly label: number };

const between = (random: () => number, lo: number, hi: number): number => lo + (hi - lo) * random();

/** Columns [left, right] of the 28x28 digit with ink above 0.2. */
function inkColumns(pixels: Uint8Array): { left: number; right: number } {
  let left = 28;
  let right = -1;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      if ((pixels[y * 28 + x] as number) > 51) {
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  return right < 0 ? { left: 14, right: 14 } : { left, right };
}

/** Layout rules of a composition. */
interface Layout {
  /** Gap between neighbours, in digit heights (negative overlaps). */
  readonly gap: (random: () => number, index: number) => number;
  /** Scale jitter (share) and baseline jitter (digit heights). */
  readonly sizeJitter: number;
  readonly baselineJitter: number;
  readonly degrees: number;
}

/**
 * Lays digits side by side on a canvas (ink maps combined by maximum, as pen strokes over each other).
 * @param digits the MNIST digits
 * @param scale enlargement of the 28x28 digit (its 20 px box becomes 20 x scale px)
 * @returns the ink map and its margins
 */
function lay(digits: readonly Uint8Array[], scale: number, layout: Layout, random: () => number): InkMap {
  const h = 20 * scale;
  const margin = Math.round(between(random, 0.3, 0.8) * h);
  const placed: { m: Uint8Array; s: number; cx: number; cy: number }[] = [];
  let cursor = margin;
  digits.forEach((m, i) => {
    const s = scale * (1 + between(random, -layout.sizeJitter, layout.sizeJitter));
    const { left, right } = inkColumns(m);
    if (i > 0) cursor += layout.gap(random, i) * h;
    const cx = cursor - (left - 14) * s;
    const cy = margin + h / 2 + between(random, -layout.baselineJitter, layout.baselineJitter) * h + 4 * scale;
    placed.push({ m, s, cx, cy });
    cursor += (right - left + 1) * s;
  });
  const width = Math.ceil(cursor + margin);
  const height = Math.ceil(2 * margin + h + 8 * scale);
  const data = new Float32Array(width * height);
  for (const p of placed) {
    const one = place(fromMnist(p.m), width, height, p.s, p.cx, p.cy, between(random, -layout.degrees, layout.degrees));
    for (let i = 0; i < data.length; i++) data[i] = Math.max(data[i] as number, one.data[i] as number);
  }
  return { width, height, data };
}

const PEN = [25, 25, 35] as const;
const WHITE = [255, 255, 255] as const;

/**
 * Composes one picture of the given kind.
 * @param kind what to compose
 * @param length digits in the number (ignored for `lone`)
 * @param source draws digits
 * @param random the seeded generator
 * @returns the encoded picture and its number
 */
export function compose(kind: HandwrittenKind, length: number, source: DigitSource, random: () => number): Composed {
  const count = kind === 'lone' ? 1 : length;
  const drawn = Array.from({ length: count }, () => source(random));
  const text = drawn.map((d) => d.label).join('');
  const pixels = drawn.map((d) => d.pixels);
  const spaced = (r: () => number): number => between(r, 0.15, 0.5);
  const touchAt = Math.floor(random() * Math.max(1, count - 1)) + 1;
  const layouts: Record<HandwrittenKind, Layout> = {
    spaced: { gap: spaced, sizeJitter: 0.08, baselineJitter: 0.05, degrees: 0 },
    touching: {
      gap: (r, i) => (i === touchAt ? between(r, -0.15, 0.0) : spaced(r)),
      sizeJitter: 0.08,
      baselineJitter: 0.05,
      degrees: 0,
    },
    varied: { gap: (r) => between(r, 0.12, 0.6), sizeJitter: 0.25, baselineJitter: 0.15, degrees: 0 },
    photo: { gap: spaced, sizeJitter: 0.08, baselineJitter: 0.05, degrees: 3 },
    canvas: { gap: (r) => between(r, 0.25, 0.6), sizeJitter: 0.1, baselineJitter: 0.08, degrees: 0 },
    lone: { gap: spaced, sizeJitter: 0, baselineJitter: 0, degrees: 0 },
  };
  const scale =
    kind === 'photo' ? between(random, 2.5, 4) : kind === 'canvas' ? between(random, 3, 5) : between(random, 2, 4);
  let ink = lay(pixels, scale, layouts[kind], random);
  if (kind === 'lone') ink = widen(ink, random);
  if (kind === 'canvas') {
    const thick = morph(ink, Math.round(scale * between(random, 0.4, 0.9)));
    return {
      kind,
      text,
      file: toPng(paintTransparent(thick, [0, 0, 0]), ink.width, ink.height),
      width: ink.width,
      height: ink.height,
    };
  }
  if (kind === 'photo') {
    const soft = blur(ink, between(random, 0.6, 1.4));
    const rgba = paint(soft, {
      paper: [235, 230, 215],
      ink: PEN,
      gradient: between(random, 0, 0.35),
      noise: between(random, 0.01, 0.05),
      random,
    });
    return {
      kind,
      text,
      file: toJpeg(rgba, ink.width, ink.height, Math.round(between(random, 60, 90))),
      width: ink.width,
      height: ink.height,
    };
  }
  return {
    kind,
    text,
    file: toPng(paint(ink, { paper: WHITE, ink: PEN }), ink.width, ink.height),
    width: ink.width,
    height: ink.height,
  };
}

/**
 * Plain spaced handwriting of the given digits (for fixed-size timing pictures).
 * @param digits MNIST digits
 * @param random the seeded generator
 * @returns the ink map
 */
export function layNumber(digits: readonly Uint8Array[], random: () => number): InkMap {
  return lay(
    digits,
    3,
    { gap: (r) => between(r, 0.15, 0.5), sizeJitter: 0.08, baselineJitter: 0.05, degrees: 0 },
    random,
  );
}

/** The ink map on a canvas 3-6 times as wide, at a random position. */
function widen(m: InkMap, random: () => number): InkMap {
  const width = Math.round(m.width * between(random, 3, 6));
  const at = Math.floor(random() * (width - m.width));
  const data = new Float32Array(width * m.height);
  for (let y = 0; y < m.height; y++) data.set(m.data.subarray(y * m.width, (y + 1) * m.width), y * width + at);
  return { width, height: m.height, data };
}
