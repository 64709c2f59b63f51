/**
 * The reader's own pieces, labelled: numbers composed from MNIST **training** digits and the printed-digit training
 * set (nothing the read bench or the independent sets draw from), run through the reader's ink finding, grouping,
 * cutting and candidate runs, and each candidate labelled by whose ink it holds. A candidate that holds nearly all
 * of one digit's ink and little else is one digit; one that holds two digits' ink (a touching pair read whole), or
 * part of one (a half, a loop, a stem) is not; anything in between is left out. This generator composes another
 * way than bench/read-compose.ts: each digit's ink box scaled to its own height, neighbours pushed together row by
 * row until their ink meets (touching), strokes thickened by a disc, paper with a gradient and noise. It draws with
 * its own scaling, thickening and blur rather than the benchmarks' (bench/robustness-render.ts) on purpose: what the
 * check learns from must not share the quirks of the pictures it is measured on.
 */
import type { GrayImage } from '../src/image/gray.js';
import type { Dataset } from '../src/ml/dataset.js';
import type { RandomSource } from '../src/ml/rng.js';
import { slicePieces } from '../src/read/cuts.js';
import { findInk, type InkMap } from '../src/read/ink.js';
import { pieceShape } from '../src/read/one-digit.js';
import { groupPieces, inPart, type Part } from '../src/read/pieces.js';
import { renderPiece } from '../src/read/render.js';
import { candidateRuns } from '../src/read/search.js';

/** A candidate piece as the reader renders it, with its shape features and its label (1: one digit). */
export interface PieceSample {
  readonly picture: Uint8Array;
  readonly shape: Float32Array;
  readonly label: 0 | 1;
}

/** Of one digit's ink, at least this share, and of the candidate's ink, at least this share that digit's: one digit. */
const ONE_DIGIT = 0.85;
/** Below this share of any digit's ink, or holding this much of two digits', the candidate is not one digit. */
const PART_OF_ONE = 0.6;
const SHARE_OF_TWO = 0.3;

interface Glyph {
  /** Ink in [0, 1], row-major. */
  readonly ink: Float32Array;
  readonly width: number;
  readonly height: number;
}

/**
 * The digit's ink box scaled to `height` pixels tall, slanted by `shear` (columns per row, the top to the right when
 * positive), strokes thickened by a disc of radius `thicken`.
 */
function glyph(image: Uint8Array, height: number, thicken: number, shear = 0): Glyph | undefined {
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
  const src: GrayImage = { width: 28, height: 28, data: Float32Array.from(image, (v) => v / 255) };
  const bw = maxX - minX + 1;
  const bh = maxY - minY + 1;
  const scale = height / bh;
  const upright = Math.max(1, Math.round(bw * scale));
  const lean = Math.ceil(Math.abs(shear) * height);
  const w = upright + lean;
  // Upscaling by area averaging gives blocks; sample bilinearly instead (a pen's stroke has no pixel grid).
  const out = new Float32Array(w * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < w; x++) {
      const offset = shear > 0 ? shear * (height - 1 - y) : -shear * y;
      const sx = minX + (x - offset + 0.5) / scale - 0.5;
      const sy = minY + (y + 0.5) / scale - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const at = (xx: number, yy: number) =>
        xx < 0 || yy < 0 || xx > 27 || yy > 27 ? 0 : (src.data[yy * 28 + xx] as number);
      out[y * w + x] =
        at(x0, y0) * (1 - fx) * (1 - fy) +
        at(x0 + 1, y0) * fx * (1 - fy) +
        at(x0, y0 + 1) * (1 - fx) * fy +
        at(x0 + 1, y0 + 1) * fx * fy;
    }
  if (thicken < 1) return { ink: out, width: w, height };
  const r = Math.round(thicken);
  const pw = w + 2 * r;
  const ph = height + 2 * r;
  const thick = new Float32Array(pw * ph);
  for (let y = 0; y < ph; y++)
    for (let x = 0; x < pw; x++) {
      let m = 0;
      for (let dy = -r; dy <= r; dy++)
        for (let dx = -r; dx <= r; dx++) {
          if (dx * dx + dy * dy > r * r) continue;
          const sx = x - r + dx;
          const sy = y - r + dy;
          if (sx >= 0 && sy >= 0 && sx < w && sy < height) m = Math.max(m, out[sy * w + sx] as number);
        }
      thick[y * pw + x] = m;
    }
  return { ink: thick, width: pw, height: ph };
}

/** Per row, the first and last column holding ink (NaN for an empty row). */
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

/** A composed number: luminance, each pixel's owning digit (-1: paper) and the digit count. */
interface Composed {
  readonly gray: GrayImage;
  readonly owner: Int8Array;
  readonly digits: number;
}

/**
 * Composes a number of `count` digits drawn from `digits` (rows of a Dataset): spaced, or with each joint touching
 * with probability `touchRate` (the right neighbour pushed left until its ink meets the left one's in some row).
 */
export function composeNumber(
  digits: Dataset,
  count: number,
  random: RandomSource,
  style: ComposeStyle,
): Composed | undefined {
  const height = Math.round(36 + random() * 50);
  const thicken = style.thick ? 1 + random() * 3 : random() < 0.3 ? 1 : 0;
  // Drawn only when slanting, so that upright compositions stay the same draws.
  const shear = (style.slant ?? 0) > 0 ? (random() * 2 - 1) * (style.slant as number) : 0;
  const glyphs: { g: Glyph; top: number; left: number }[] = [];
  let cursor = Math.round(10 + random() * 30);
  const baseline = Math.round(20 + random() * 20);
  for (let k = 0; k < count; k++) {
    const row = Math.floor(random() * digits.count);
    const h = Math.max(12, Math.round(height * (0.85 + random() * 0.3)));
    const g = glyph(digits.images.subarray(row * 784, (row + 1) * 784), h, thicken, shear);
    if (g === undefined) return undefined;
    const top = baseline + Math.round(height - h + (random() - 0.5) * 0.16 * height);
    let left = cursor;
    const prev = glyphs[glyphs.length - 1];
    if (prev !== undefined) {
      const touching = random() < style.touchRate;
      if (touching) {
        // The smallest shift that makes the two inks meet: over shared rows, the gap between the left glyph's last
        // ink column and this one's first.
        const a = rowEdges(prev.g);
        const b = rowEdges(g);
        let gap = Infinity;
        for (let y = Math.max(prev.top, top); y < Math.min(prev.top + prev.g.height, top + g.height); y++) {
          const la = a.last[y - prev.top] as number;
          const fb = b.first[y - top] as number;
          if (Number.isNaN(la) || Number.isNaN(fb)) continue;
          gap = Math.min(gap, cursor + fb - (prev.left + la));
        }
        if (gap === Infinity) gap = 0;
        left = cursor - Math.round(gap) + 1 - Math.round(random() * 0.08 * height);
      } else left = cursor + Math.round((0.05 + random() * 0.45) * height);
    }
    glyphs.push({ g, top, left });
    cursor = left + g.width;
  }
  const width = cursor + Math.round(10 + random() * 30);
  const full = Math.max(...glyphs.map((x) => x.top + x.g.height)) + Math.round(20 + random() * 20);
  if (width > 1024 || full > 1024) return undefined;
  const ink = new Float32Array(width * full);
  const owner = new Int8Array(width * full).fill(-1);
  glyphs.forEach(({ g, top, left }, k) => {
    for (let y = 0; y < g.height; y++)
      for (let x = 0; x < g.width; x++) {
        const v = g.ink[y * g.width + x] as number;
        const i = (top + y) * width + left + x;
        if (v > (ink[i] as number)) {
          ink[i] = v;
          owner[i] = k;
        }
      }
  });
  const contrast = 0.5 + random() * 0.45;
  const paper = 0.75 + random() * 0.25;
  const slope = (random() - 0.5) * 0.2;
  const noise = style.photo ? 0.01 + random() * 0.04 : 0;
  const data = new Float32Array(width * full);
  for (let y = 0; y < full; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const bg = paper + slope * (x / width - 0.5);
      const n = noise === 0 ? 0 : (random() + random() + random() - 1.5) * noise;
      data[i] = Math.min(1, Math.max(0, bg - contrast * (ink[i] as number) + n));
    }
  let gray: GrayImage = { width, height: full, data };
  if (style.photo && random() < 0.5) gray = blur(gray);
  if (random() < 0.15) gray = { ...gray, data: gray.data.map((v) => 1 - v) };
  return { gray, owner, digits: count };
}

/** A 3x3 box blur (a photo's softness). */
function blur(g: GrayImage): GrayImage {
  const out = new Float32Array(g.data.length);
  for (let y = 0; y < g.height; y++)
    for (let x = 0; x < g.width; x++) {
      let s = 0;
      let n = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy < 0 || xx < 0 || yy >= g.height || xx >= g.width) continue;
          s += g.data[yy * g.width + xx] as number;
          n++;
        }
      out[y * g.width + x] = s / n;
    }
  return { ...g, data: out };
}

export interface ComposeStyle {
  readonly touchRate: number;
  readonly thick: boolean;
  readonly photo: boolean;
  /** The largest slant of a number's digits (columns per row), drawn once per number; 0 or absent: upright. */
  readonly slant?: number;
}

/** Ink of the candidate's pixels per owning digit. */
function inkByOwner(
  map: InkMap,
  parts: readonly Part[],
  box: { minX: number; minY: number; maxX: number; maxY: number },
  owner: Int8Array,
  width: number,
  digits: number,
): Float64Array {
  const out = new Float64Array(digits + 1);
  const w = map.ink.width;
  for (const part of parts)
    for (let y = box.minY; y <= box.maxY; y++)
      for (let x = part.x0; x <= part.x1; x++) {
        const i = y * w + x;
        if (map.labels[i] !== part.label || !inPart(part, x, y)) continue;
        const o = owner[Math.floor(y * map.scaleY) * width + Math.floor(x * map.scaleX)] as number;
        const k = o < 0 ? digits : o;
        out[k] = (out[k] as number) + (map.ink.data[i] as number);
      }
  return out;
}

/**
 * The labelled candidates of one composed number (none when the reader's scale differs from the picture's, so that
 * ownership cannot be looked up pixel for pixel).
 */
export function labelledPieces(c: Composed, maxPieces = 32): PieceSample[] {
  const map = findInk(c.gray);
  if (map.scaleX !== 1 || map.scaleY !== 1) return [];
  const grouped = groupPieces(map, maxPieces);
  if ('tooMany' in grouped || grouped.pieces.length === 0) return [];
  const { pieces, height } = grouped;
  // Each digit's whole ink as the reader sees it: every labelled pixel, by owner.
  const total = new Float64Array(c.digits + 1);
  for (let i = 0; i < map.labels.length; i++) {
    if (map.labels[i] === 0) continue;
    const x = i % map.ink.width;
    const y = Math.floor(i / map.ink.width);
    const o = c.owner[y * c.gray.width + x] as number;
    const k = o < 0 ? c.digits : o;
    total[k] = (total[k] as number) + (map.ink.data[i] as number);
  }
  const slices = slicePieces(map, pieces, height, 3 * maxPieces);
  const out: PieceSample[] = [];
  for (const cand of candidateRuns(slices, height)) {
    const held = inkByOwner(map, cand.parts, cand.box, c.owner, c.gray.width, c.digits);
    const sum = held.reduce((s, v) => s + v, 0);
    if (sum === 0) continue;
    let best = 0;
    let two = 0;
    let one = false;
    for (let d = 0; d < c.digits; d++) {
      const cover = (held[d] as number) / Math.max(1e-9, total[d] as number);
      best = Math.max(best, cover);
      if (cover >= SHARE_OF_TWO) two++;
      if (cover >= ONE_DIGIT && (held[d] as number) / sum >= ONE_DIGIT) one = true;
    }
    const label = one ? 1 : two >= 2 || best < PART_OF_ONE ? 0 : undefined;
    if (label === undefined) continue;
    const picture = renderPiece(map, cand.parts, cand.box);
    if (picture === undefined) continue;
    out.push({ picture, shape: pieceShape(cand, slices, height), label });
  }
  return out;
}
