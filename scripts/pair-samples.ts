/**
 * Pictures for the pair network (src/read/pair-net.ts), framed as the reader frames a piece (src/read/pair-frame.ts):
 * two digits pushed into each other (row by row until their inks meet, then 0-40% of the narrower one's width
 * further, 30% left just touching), their ink combined by the lighter of max or darkening, and single digits,
 * unstretched or stretched 0.8-1.8 times sideways so that width alone does not say "two". Digits from MNIST
 * **training** rows and the printed training set (12%), each digit's ink box scaled to 20-70 px tall with bilinear
 * sampling, strokes thickened by a disc in 30% of pictures. Nothing from MNIST test, the read bench or the
 * independent sets; its own scaling and thickening (as scripts/piece-samples.ts), not the benchmarks'.
 */
import type { Dataset } from '../src/ml/dataset.js';
import type { RandomSource } from '../src/ml/rng.js';
import { FRAME_HEIGHT, FRAME_WIDTH, frameInk } from '../src/read/pair-frame.js';

/** Framed pictures and, per picture, the left digit, the right digit (-1 for a single digit) and 1 for two. */
export interface PairSamples {
  readonly frames: Uint8Array;
  readonly labels: Int8Array;
  readonly count: number;
}

/** A share of the pictures are pairs; the rest single digits. */
const PAIRS = 0.6;
const PRINTED = 0.12;

interface Glyph {
  readonly ink: Float32Array;
  readonly width: number;
  readonly height: number;
}

/**
 * The digit's ink box scaled to `height` rows, `stretch` times as wide, thickened by a disc of radius `thicken`.
 * scripts/piece-samples.ts's glyph without the stretch, and sampling the 28x28 in double precision where that one
 * reads float32 copies: sharing one would change the pictures one of the two fitted networks was fitted on.
 */
function glyph(image: Uint8Array, height: number, stretch: number, thicken: number): Glyph | undefined {
  let minX = 28;
  let minY = 28;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < 28; y++)
    for (let x = 0; x < 28; x++)
      if ((image[y * 28 + x] as number) > 40) {
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
  if (maxX < 0) return undefined;
  const scale = height / (maxY - minY + 1);
  const sx = scale * stretch;
  const w = Math.max(1, Math.round((maxX - minX + 1) * sx));
  const out = new Float32Array(w * height);
  const at = (x: number, y: number) => (x < 0 || y < 0 || x > 27 || y > 27 ? 0 : (image[y * 28 + x] as number) / 255);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < w; x++) {
      const px = minX + (x + 0.5) / sx - 0.5;
      const py = minY + (y + 0.5) / scale - 0.5;
      const x0 = Math.floor(px);
      const y0 = Math.floor(py);
      const fx = px - x0;
      const fy = py - y0;
      out[y * w + x] =
        at(x0, y0) * (1 - fx) * (1 - fy) +
        at(x0 + 1, y0) * fx * (1 - fy) +
        at(x0, y0 + 1) * (1 - fx) * fy +
        at(x0 + 1, y0 + 1) * fx * fy;
    }
  if (thicken < 1) return { ink: out, width: w, height };
  const r = thicken;
  const pw = w + 2 * r;
  const ph = height + 2 * r;
  const thick = new Float32Array(pw * ph);
  for (let y = 0; y < ph; y++)
    for (let x = 0; x < pw; x++) {
      let m = 0;
      for (let dy = -r; dy <= r; dy++)
        for (let dx = -r; dx <= r; dx++) {
          if (dx * dx + dy * dy > r * r) continue;
          const sx2 = x - r + dx;
          const sy2 = y - r + dy;
          if (sx2 >= 0 && sy2 >= 0 && sx2 < w && sy2 < height) m = Math.max(m, out[sy2 * w + sx2] as number);
        }
      thick[y * pw + x] = m;
    }
  return { ink: thick, width: pw, height: ph };
}

/** Per row, the first and last column of ink (NaN for an empty row). */
function rowEdges(g: Glyph): { first: Float64Array; last: Float64Array } {
  const first = new Float64Array(g.height).fill(NaN);
  const last = new Float64Array(g.height).fill(NaN);
  for (let y = 0; y < g.height; y++)
    for (let x = 0; x < g.width; x++)
      if ((g.ink[y * g.width + x] as number) > 0.3) {
        if (Number.isNaN(first[y])) first[y] = x;
        last[y] = x;
      }
  return { first, last };
}

/**
 * Two glyphs pushed into each other: `b` placed beside `a` (its top within 8% of `aHeight` of the pair's line, `bHeight`
 * tall), moved left row by row until their inks meet, then 0-40% of the narrower one's width further (30% left just
 * touching), their ink combined by the lighter of max or darkening. Undefined when they share no row of ink.
 * @param aHeight the height `a` was drawn at (before any thickening)
 * @param bHeight the height `b` was drawn at
 */
function pushTogether(a: Glyph, b: Glyph, aHeight: number, bHeight: number, random: RandomSource): Glyph | undefined {
  const topB = Math.round(aHeight - bHeight + (random() - 0.5) * 0.16 * aHeight);
  // The smallest shift that makes the two inks meet, over the rows they share.
  const ea = rowEdges(a);
  const eb = rowEdges(b);
  let gap = Infinity;
  for (let y = Math.max(0, topB); y < Math.min(a.height, topB + b.height); y++) {
    const la = ea.last[y] as number;
    const fb = eb.first[y - topB] as number;
    if (Number.isNaN(la) || Number.isNaN(fb)) continue;
    gap = Math.min(gap, a.width + fb - la);
  }
  if (gap === Infinity) return undefined;
  const narrow = Math.min(a.width, b.width);
  const push = random() < 0.3 ? 0 : random() * 0.4 * narrow;
  const leftB = a.width - Math.round(gap) + 1 - Math.round(push);
  const y0 = Math.min(0, topB);
  const x0 = Math.min(0, leftB);
  const width = Math.max(a.width, leftB + b.width) - x0;
  const height = Math.max(a.height, topB + b.height) - y0;
  const ink = new Float32Array(width * height);
  const darken = random() < 0.5;
  for (const [g, top, left] of [
    [a, 0, 0],
    [b, topB, leftB],
  ] as const)
    for (let y = 0; y < g.height; y++)
      for (let x = 0; x < g.width; x++) {
        const i = (top + y - y0) * width + (left + x - x0);
        const v = g.ink[y * g.width + x] as number;
        const was = ink[i] as number;
        ink[i] = darken ? 1 - (1 - was) * (1 - v) : Math.max(was, v);
      }
  return { ink, width, height };
}

/**
 * `count` pairs of handwritten digits pushed into each other as pairSamples draws its pairs (each digit 20-70 px
 * tall, strokes thickened in 30%), as ink in [0, 1] on black: what the reader sees of two digits joined into one
 * piece. Same digits, rows, count and random sequence: the same pictures.
 * @param handwritten MNIST training digits; rows [from, to) are drawn from
 */
export function joinedPairs(
  handwritten: Dataset,
  rows: { readonly from: number; readonly to: number },
  count: number,
  random: RandomSource,
): { readonly width: number; readonly height: number; readonly data: Float32Array }[] {
  const out: { width: number; height: number; data: Float32Array }[] = [];
  const pick = () => rows.from + Math.floor(random() * (rows.to - rows.from));
  const image = (row: number) => handwritten.images.subarray(row * 784, row * 784 + 784);
  while (out.length < count) {
    const H = Math.round(20 + random() * 50);
    const thicken = random() < 0.3 ? 1 + Math.floor(random() * Math.max(1, H / 18)) : 0;
    const ga = glyph(image(pick()), H, 0.85 + random() * 0.3, thicken);
    const h2 = Math.max(10, Math.round(H * (0.85 + random() * 0.3)));
    const gb = glyph(image(pick()), h2, 0.85 + random() * 0.3, thicken);
    if (ga === undefined || gb === undefined) continue;
    const joined = pushTogether(ga, gb, H, h2, random);
    if (joined !== undefined) out.push({ width: joined.width, height: joined.height, data: joined.ink });
  }
  return out;
}

/**
 * `count` framed pictures. Same sources, rows, count and random sequence: the same bytes.
 * @param handwritten MNIST training digits; rows [from, to) are drawn from
 * @param printed the printed-digit training set
 */
export function pairSamples(
  handwritten: Dataset,
  printed: Dataset,
  rows: { readonly from: number; readonly to: number },
  count: number,
  random: RandomSource,
): PairSamples {
  const size = FRAME_HEIGHT * FRAME_WIDTH;
  const frames = new Uint8Array(count * size);
  const labels = new Int8Array(count * 3);
  let n = 0;
  while (n < count) {
    const src = random() < PRINTED ? printed : handwritten;
    const lo = src === handwritten ? rows.from : 0;
    const hi = src === handwritten ? rows.to : src.count;
    const pick = () => lo + Math.floor(random() * (hi - lo));
    const image = (row: number) => src.images.subarray(row * 784, row * 784 + 784);
    const H = Math.round(20 + random() * 50);
    const thicken = random() < 0.3 ? 1 + Math.floor(random() * Math.max(1, H / 18)) : 0;
    const two = random() < PAIRS;
    const a = pick();
    const stretch = two ? 0.85 + random() * 0.3 : random() < 0.5 ? 1 : 0.8 + random() * 1.0;
    const ga = glyph(image(a), H, stretch, thicken);
    if (ga === undefined) continue;
    let framed: Uint8Array | undefined;
    let right = -1;
    if (!two) framed = frameInk(ga.ink, ga.width, ga.height);
    else {
      const b = pick();
      const h2 = Math.max(10, Math.round(H * (0.85 + random() * 0.3)));
      const gb = glyph(image(b), h2, 0.85 + random() * 0.3, thicken);
      if (gb === undefined) continue;
      right = src.labels[b] as number;
      const joined = pushTogether(ga, gb, H, h2, random);
      if (joined === undefined) continue;
      framed = frameInk(joined.ink, joined.width, joined.height);
    }
    if (framed === undefined) continue;
    frames.set(framed, n * size);
    labels[n * 3] = src.labels[a] as number;
    labels[n * 3 + 1] = right;
    labels[n * 3 + 2] = two ? 1 : 0;
    n++;
  }
  return { frames, labels, count };
}
