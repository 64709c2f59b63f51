import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GrayImage } from '../../src/image/gray.js';
import { normalizeDigit } from '../../src/image/normalize.js';
import { createJsEngine } from '../../src/ml/engine/js-engine.js';
import type { ModelEngine } from '../../src/ml/engine/types.js';
import type { SvmModel } from '../../src/ml/model.js';
import { predict } from '../../src/ml/predict.js';
import { readIdxImages, readIdxLabels } from '../../src/ml/idx.js';
import { loadModelFile } from '../../src/node/model-file.js';
import { PACKAGE_ROOT } from '../../src/node/package-root.js';
import { DEFAULT_READ_LIMITS, readDigits, ReadError, resolveReadLimits, type ReadDigit } from '../../src/read/index.js';
import { findInk } from '../../src/read/ink.js';
import { pairInstead } from '../../src/read/joined-pairs.js';
import { pairFrame } from '../../src/read/pair-frame.js';
import { readPairFrame } from '../../src/read/pair-net.js';
import { groupPieces } from '../../src/read/pieces.js';
import { loadFontDigits } from '../../src/training/font-digits.js';
import { loadMnist } from '../../src/training/mnist-data.js';

/** The 28x28 picture's ink at (fx, fy) in its pixel units, interpolated between the four nearest pixels. */
function bilinear(d: Uint8Array, fx: number, fy: number): number {
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const at = (x: number, y: number) => (x < 0 || x > 27 || y < 0 || y > 27 ? 0 : (d[y * 28 + x] as number));
  const tx = fx - x0;
  const ty = fy - y0;
  return (
    (1 - ty) * ((1 - tx) * at(x0, y0) + tx * at(x0 + 1, y0)) +
    ty * ((1 - tx) * at(x0, y0 + 1) + tx * at(x0 + 1, y0 + 1))
  );
}

/**
 * Digits drawn at 3x (60 px tall boxes), dark ink on white paper, side by side with `gaps` (digit heights) between,
 * and `pad` px of paper more on the right. Enlarged in blocks, or `smooth`ly (the reader then keeps the 3x: a pen's
 * strokes at a photo's resolution).
 */
function row(digits: readonly Uint8Array[], gaps: readonly number[], pad = 0, smooth = false): GrayImage {
  const scale = 3;
  const margin = 30;
  const width = pad + margin * 2 + digits.length * 28 * scale + gaps.reduce((a, b) => a + b * 60, 0);
  const height = 28 * scale + 2 * margin;
  const data = new Float32Array(width * height).fill(1);
  let left = margin;
  digits.forEach((d, k) => {
    let min = 28;
    let max = -1;
    for (let i = 0; i < 784; i++) if ((d[i] as number) > 0) [min, max] = [Math.min(min, i % 28), Math.max(max, i % 28)];
    const x0 = left - min * scale;
    for (let y = 0; y < 28 * scale; y++) {
      for (let x = 0; x < 28 * scale; x++) {
        const v =
          (smooth
            ? bilinear(d, (x + 0.5) / scale - 0.5, (y + 0.5) / scale - 0.5)
            : (d[Math.floor(y / scale) * 28 + Math.floor(x / scale)] as number)) / 255;
        const i = (y + margin) * width + x0 + x;
        if (x0 + x >= 0 && x0 + x < width) data[i] = Math.min(data[i] as number, 1 - v);
      }
    }
    left += (max - min + 1) * scale + (gaps[k] ?? 0) * 60;
  });
  return { width, height, data };
}

/**
 * One digit drawn at 3x and `stretch` times as wide (a flat, wide hand), smooth strokes, dark ink on white paper, with
 * `pad` px of paper more on the right (a lone digit in a wide picture).
 */
function wide(d: Uint8Array, stretch: number, pad = 150): GrayImage {
  const scale = 3;
  const margin = 30;
  const digitWidth = Math.round(28 * scale * stretch);
  const width = digitWidth + 2 * margin + pad;
  const height = 28 * scale + 2 * margin;
  const data = new Float32Array(width * height).fill(1);
  for (let y = 0; y < 28 * scale; y++)
    for (let x = 0; x < digitWidth; x++)
      data[(y + margin) * width + x + margin] =
        1 - bilinear(d, (x + 0.5) / (scale * stretch) - 0.5, (y + 0.5) / scale - 0.5) / 255;
  return { width, height, data };
}

/** An engine that counts the images it classifies. */
function counting(engine: ModelEngine): ModelEngine & { images: number } {
  const counted = {
    backend: engine.backend,
    model: engine.model,
    images: 0,
    dots: (images: Uint8Array, n: number, out: Int32Array) => engine.dots(images, n, out),
    decisionValues: (images: Uint8Array, n: number, out: Float64Array) => {
      counted.images += n;
      engine.decisionValues(images, n, out);
    },
    stagedDecisionValues: (images: Uint8Array, n: number, out: Float64Array, stages: Uint8Array) => {
      counted.images += n;
      engine.stagedDecisionValues(images, n, out, stages);
    },
  };
  return counted;
}

let model: SvmModel;
let engine: ModelEngine;
/** Test digits the model reads right on their own with confidence above 0.9 (so a miss is the reader's). */
let clear: { pixels: Uint8Array; label: number }[];
let letters: { pixels: Uint8Array; labels: Uint8Array };
let fonts: { images: Uint8Array; labels: Uint8Array };

beforeAll(async () => {
  ({ model } = await loadModelFile());
  engine = createJsEngine(model);
  const dir = path.join(PACKAGE_ROOT, 'data', 'font-letters');
  const unzip = async (name: string) => new Uint8Array(gunzipSync(await readFile(path.join(dir, name))));
  letters = {
    pixels: readIdxImages(await unzip('images-idx3-ubyte.gz')).pixels,
    labels: readIdxLabels(await unzip('labels-idx1-ubyte.gz')).labels,
  };
  fonts = (await loadFontDigits()).data;
  const { test } = await loadMnist();
  clear = [];
  for (let k = 0; k < 60; k++) {
    const pixels = test.images.subarray(k * 784, (k + 1) * 784);
    const p = predict(model, pixels, engine);
    if (p.digit === test.labels[k] && p.confidence > 0.9) clear.push({ pixels, label: p.digit });
  }
}, 60_000);

/** The first picture of this letter in data/font-letters (Noto Sans, 16 px: the first typeface and size). */
function glyph(letter: string): Uint8Array {
  // Labels are the low byte of the character code (data/font-letters/README.md): € is 0xac.
  const k = letters.labels.indexOf(letter.charCodeAt(0) & 0xff);
  if (k < 0) throw new Error(`no ${letter} in data/font-letters`);
  return letters.pixels.subarray(k * 784, (k + 1) * 784);
}

/** The first printed picture of this digit in the printed-digit training set (Noto Sans, 16 px, like glyph). */
function printed(digit: number): Uint8Array {
  const k = fonts.labels.indexOf(digit);
  return fonts.images.subarray(k * 784, (k + 1) * 784);
}

const text = (list: readonly { label: number }[]): string => list.map((d) => d.label).join('');

/** The k-th pair of clear test digits, `per` lefts against each right: every left beside each right in turn. */
function pairAt(k: number, per: number): [(typeof clear)[number], (typeof clear)[number]] {
  return [clear[k % per], clear[per + Math.floor(k / per)]] as [(typeof clear)[number], (typeof clear)[number]];
}

/**
 * Two digits pushed `depth` digit heights past meeting, smooth strokes, read; undefined when answered "no digit"
 * (a pair the word rule takes for a letter: a miss, not a crash).
 */
function readPushed(a: { pixels: Uint8Array }, b: { pixels: Uint8Array }, depth: number) {
  try {
    return readDigits(row([a.pixels, b.pixels], [-depth], 0, true), model, engine);
  } catch (error) {
    expect(error).toBeInstanceOf(ReadError);
    return undefined;
  }
}

/**
 * Two digits pushed `depth` digit heights past meeting, as readPushed draws them, and the pair network's answer for
 * the one piece of ink they make given the path's digits `read` (pairInstead: `pair` its two digits when it reads a
 * pair, `verdict` its whole answer); undefined when they make more pieces.
 */
function pairOfPushed(
  a: { pixels: Uint8Array },
  b: { pixels: Uint8Array },
  depth: number,
  read: readonly { readonly digit: number; readonly confidence?: number }[],
) {
  const map = findInk(row([a.pixels, b.pixels], [-depth], 0, true));
  const grouped = groupPieces(map, DEFAULT_READ_LIMITS.maxPieces);
  if ('tooMany' in grouped || grouped.pieces.length !== 1) return undefined;
  // The path's digits sure (confidence 1) unless given.
  const verdict = (digits: readonly { readonly digit: number; readonly confidence?: number }[]) =>
    pairInstead(
      map,
      grouped.pieces[0] as (typeof grouped.pieces)[number],
      grouped.height,
      digits.map((d) => ({ confidence: 1, ...d })),
      engine,
    );
  const ask = (digits: readonly { readonly digit: number; readonly confidence?: number }[]) => {
    const v = verdict(digits);
    return v?.kind === 'pair' ? v.sides : undefined;
  };
  const piece = grouped.pieces[0] as (typeof grouped.pieces)[number];
  // The network's own "two" for the piece, which pairInstead holds to its bounds.
  const frame = pairFrame(map, piece.parts, piece.box);
  const two = frame === undefined ? undefined : readPairFrame(frame, engine).two;
  return { pair: ask(read), ask, verdict: verdict(read), two };
}

/** The pair network's two digits for a piece as a string ("17"), or undefined when the path's reading stays. */
const pairText = (sides: readonly { readonly digit: number }[] | undefined) =>
  sides?.map((side) => side.digit).join('');

describe('readDigits on two digits pushed into each other', () => {
  it('reads both, the pair network taking the pieces the model reads as one wide digit', () => {
    let exact = 0;
    let byPair = 0;
    let pairRight = 0;
    const total = 60;
    for (let k = 0; k < total; k++) {
      const [a, b] = pairAt(k, 10);
      // A quarter of a digit height (15 px at 3x) past meeting, smooth strokes: one piece of ink.
      const reading = readPushed(a, b, 0.25);
      if (reading === undefined) continue;
      if (reading.text === text([a, b])) exact++;
      const paired = reading.digits.filter((d) => d.stage === 'pair');
      if (paired.length === 0) continue;
      byPair++;
      if (reading.text === text([a, b])) pairRight++;
      // Each digit of a pair gets its own side of the piece as its box and picture, and probabilities as scores.
      expect(paired).toHaveLength(2);
      const [left, right] = paired as [ReadDigit, ReadDigit];
      expect(left.box.x).toBeLessThan(right.box.x);
      expect(left.box.x + left.box.width).toBeLessThan(right.box.x + right.box.width);
      for (const d of paired) {
        expect(d.normalized).toHaveLength(784);
        expect(Math.exp(d.scores[d.digit] as number)).toBeCloseTo(d.confidence, 6);
        expect(d.runnerUp.confidence).toBeLessThanOrEqual(d.confidence);
      }
    }
    // Measured: 49 of 60 exact, 11 read by the pair network and 8 of those right; 44, 10 and 7 before the digit-or-not
    // check was fitted with such pairs among its digits (2026-12-07: pairs it called letters were answered "no
    // digit"); 45, 8 and 7 while a piece read as one digit took the network's pair only at 0.9.
    expect(exact).toBeGreaterThanOrEqual(45);
    expect(byPair).toBeGreaterThanOrEqual(5);
    expect(pairRight / byPair).toBeGreaterThanOrEqual(0.65);
  });

  it('reads pairs pushed into each other as digits, not as letters the word rule leaves out', () => {
    // Two digits joined into one piece are often no glyph at all: the digit-or-not check, fitted on single digits
    // against letters, called many of them letters and the picture was answered "no digit" whole. It is now fitted
    // with such pairs among its digits (scripts/fit-digit-or-not.ts).
    let none = 0;
    let exact = 0;
    for (let k = 0; k < 120; k++) {
      const [a, b] = pairAt(k, 12);
      const reading = readPushed(a, b, 0.25);
      if (reading === undefined) none++;
      else if (reading.text === text([a, b])) exact++;
    }
    // Measured: 3 of 120 answered "no digit", 110 exact; 14 and 99 with the check fitted without pairs.
    expect(none).toBeLessThanOrEqual(6);
    expect(exact).toBeGreaterThanOrEqual(106);
  }, 60_000);

  it("takes the pair network's two digits over the path's cut, however sure the path was of its two", () => {
    // The path's two digits given wrong at confidence 1 (as the model reads the sides of a cut through two digits
    // written into each other); the network, sure of two other digits, replaces them. The rule before 2026-12-06
    // kept the path's two whenever they were more likely together than the network's (here: always).
    let replaced = 0;
    let right = 0;
    for (let k = 0; k < 40; k++) {
      const [a, b] = pairAt(k, 8);
      const wrong = [
        { digit: (a.label + 1) % 10, confidence: 1 },
        { digit: (b.label + 1) % 10, confidence: 1 },
      ];
      const pushed = pairOfPushed(a, b, 0.25, wrong);
      if (pushed === undefined) continue;
      const { pair, ask } = pushed;
      if (pair === undefined) continue;
      replaced++;
      if (pair[0].digit === a.label && pair[1].digit === b.label) right++;
      // The same two digits as the path's are never "replaced".
      expect(ask([{ digit: pair[0].digit }, { digit: pair[1].digit }])).toBe(undefined);
    }
    // Measured: 32 of the 40 pieces replaced, 31 of them right.
    expect(replaced).toBeGreaterThanOrEqual(28);
    expect(right / replaced).toBeGreaterThanOrEqual(0.9);
  }, 60_000);

  it('reads a piece the path read as one digit as the pair network is sure it is two, hesitant digits and all', () => {
    // The path's one digit given (the left one's, at confidence 1): where the network is all but sure of two digits,
    // its pair replaces it even when it hesitates over a side (two digits together from 0.5 likely, not 0.9 as for a
    // piece read as two).
    let hesitant = 0;
    let right = 0;
    for (let k = 0; k < 120; k++) {
      const [a, b] = pairAt(k, 12);
      const pair = pairOfPushed(a, b, 0.35, [{ digit: a.label }])?.pair;
      if (pair === undefined) continue;
      const sure = pair.reduce((p, side) => p * (side.probabilities[side.digit] as number), 1);
      expect(sure).toBeGreaterThanOrEqual(0.5);
      if (sure >= 0.9) continue;
      hesitant++;
      if (pair[0].digit === a.label && pair[1].digit === b.label) right++;
    }
    // Measured: 22 of the 120 replaced below 0.9 (none before 2026-12-06), 13 of those right: the path's one digit
    // for such a piece is a digit short whatever it reads.
    expect(hesitant).toBeGreaterThanOrEqual(18);
    expect(right).toBeGreaterThanOrEqual(10);
  }, 60_000);

  it('reads a piece the path read as one digit it is unsure of as a pair from 0.98 sure it is two', () => {
    // Pairs (pairAt(k, 24)) pushed `depth` past meeting whose one piece the network calls two at 0.98-0.999: the
    // network's pair where the path's one digit is under 0.95 sure, the path's digit where it is sure.
    const cases = [
      [0.1, 62],
      [0.2, 21],
      [0.2, 110],
      [0.2, 132],
      [0.3, 2],
    ] as const;
    for (const [depth, k] of cases) {
      const [a, b] = pairAt(k, 24);
      const pushed = pairOfPushed(a, b, depth, []);
      expect(pushed?.two).toBeGreaterThanOrEqual(0.98);
      expect(pushed?.two).toBeLessThan(0.999);
      const given = (confidence: number) => pairText(pushed?.ask([{ digit: a.label, confidence }]));
      expect(given(0.94)).toBe(text([a, b]));
      expect(given(0.95)).toBeUndefined();
      expect(given(1)).toBeUndefined();
    }
  });

  it('reads a piece the path read as one digit as a pair from 0.999 sure it is two', () => {
    // Pairs (pairAt(k, 24)) pushed `depth` past meeting whose one piece the network calls two at 0.999-0.9995: given
    // the path's one digit, kept before 2026-12-07 (the bound was 0.9995), read as the network's pair now.
    const cases = [
      [0.1, 120],
      [0.1, 179],
      [0.2, 133],
      [0.2, 188],
      [0.2, 566],
      [0.3, 98],
      [0.3, 407],
    ] as const;
    for (const [depth, k] of cases) {
      const [a, b] = pairAt(k, 24);
      const pushed = pairOfPushed(a, b, depth, [{ digit: a.label }]);
      expect(pushed?.two).toBeGreaterThanOrEqual(0.999);
      expect(pushed?.two).toBeLessThan(0.9995);
      expect(pairText(pushed?.pair)).toBe(text([a, b]));
      expect(readPushed(a, b, depth)?.text).toBe(text([a, b]));
    }
  });

  it('reads a piece the path read as one digit and a mark left out as a pair, whole, with no box left out inside it', () => {
    // Pushed further (0.35 of a digit height past meeting), the path often reads one digit of the piece and leaves the
    // rest out as a mark; the pair network reads the whole piece.
    let exact = 0;
    let pairs = 0;
    for (let k = 0; k < 120; k++) {
      const [a, b] = pairAt(k, 12);
      const reading = readPushed(a, b, 0.35);
      if (reading === undefined) continue;
      if (reading.text === text([a, b])) exact++;
      const paired = reading.digits.filter((d) => d.stage === 'pair');
      if (paired.length === 0) continue;
      pairs++;
      const [left, right] = paired as [ReadDigit, ReadDigit];
      const [from, to] = [left.box.x, right.box.x + right.box.width];
      const inside = reading.skipped.filter(
        (s) => s.reason === 'not-a-digit' && s.box.x >= from && s.box.x + s.box.width <= to,
      );
      expect(inside).toEqual([]);
    }
    // Measured: 88 of 120 exact and 35 read as pairs; 75 and 29 before the digit-or-not check was fitted with such
    // pairs (2026-12-07); 70 and 19 while such a piece took the network's pair only at 0.9; 66 and 13 when only
    // pieces read whole were asked (and 6 boxes left out inside pairs when they were not dropped).
    expect(exact).toBeGreaterThanOrEqual(84);
    expect(pairs).toBeGreaterThanOrEqual(30);
  }, 60_000);
});

describe('readDigits on one wide digit', () => {
  it('reads a digit drawn wide as one digit, not cut in two, when the pair network is sure it is one', () => {
    let exact = 0;
    let split = 0;
    for (const stretch of [1.7, 2]) {
      for (const d of clear) {
        let text = '';
        try {
          text = readDigits(wide(d.pixels, stretch), model, engine).text;
        } catch (error) {
          expect(error).toBeInstanceOf(ReadError);
        }
        if (text === String(d.label)) exact++;
        if (text.length > 1) split++;
      }
    }
    // Measured on the 59 clear digits at 1.7 and 2 times their width: 106 of 118 exact, 2 read as two digits; 97 and
    // 11 (a 2 read "22", a 6 "62", a 9 "01", a 5 "54") before a piece the path read as two digits was read whole when
    // the network says "two" at under 0.01.
    expect(exact).toBeGreaterThanOrEqual(102);
    expect(split).toBeLessThanOrEqual(4);
  }, 120_000);

  it('says "one" of a single digit the path read as two, and not of two digits pushed into each other', () => {
    let single = 0;
    for (const d of clear) {
      const map = findInk(wide(d.pixels, 1.4));
      const grouped = groupPieces(map, DEFAULT_READ_LIMITS.maxPieces);
      if ('tooMany' in grouped || grouped.pieces.length !== 1) continue;
      const read = [
        { digit: d.label, confidence: 1 },
        { digit: d.label, confidence: 1 },
      ];
      const verdict = pairInstead(
        map,
        grouped.pieces[0] as (typeof grouped.pieces)[number],
        grouped.height,
        read,
        engine,
      );
      if (verdict?.kind === 'one') single++;
    }
    let pairs = 0;
    let ones = 0;
    for (let k = 0; k < 60; k++) {
      const [a, b] = pairAt(k, 10);
      const pushed = pairOfPushed(a, b, 0.25, [{ digit: a.label }, { digit: b.label }]);
      if (pushed === undefined) continue;
      pairs++;
      if (pushed.verdict?.kind === 'one') ones++;
    }
    // Measured: 43 of the 59 single digits (1.4 times as wide) "one"; of the 54 pairs that make one piece, none.
    expect(single).toBeGreaterThanOrEqual(38);
    expect(pairs).toBeGreaterThanOrEqual(50);
    expect(ones).toBe(0);
  }, 120_000);

  it('says "one" of a single digit the path read of part of it beside marks it left out, never of a pushed pair', () => {
    /** The network's verdict on a picture of one piece, the path having read one digit of it, sure. */
    const ask = (map: ReturnType<typeof findInk>, marksLeftOut: boolean, digit: number) => {
      const grouped = groupPieces(map, DEFAULT_READ_LIMITS.maxPieces);
      if ('tooMany' in grouped || grouped.pieces.length !== 1) return 'pieces';
      const piece = grouped.pieces[0] as (typeof grouped.pieces)[number];
      return pairInstead(map, { ...piece, marksLeftOut }, grouped.height, [{ digit, confidence: 1 }], engine)?.kind;
    };
    let asked = 0;
    let single = 0;
    for (const d of clear) {
      const map = findInk(wide(d.pixels, 1.4));
      const beside = ask(map, true, d.label);
      if (beside === 'pieces') continue;
      asked++;
      if (beside === 'one') single++;
      // Read of all of the piece, the path's one digit stays one digit.
      expect(ask(map, false, d.label)).not.toBe('one');
    }
    let pairs = 0;
    let ones = 0;
    for (let k = 0; k < 60; k++) {
      const [a, b] = pairAt(k, 10);
      const verdict = ask(findInk(row([a.pixels, b.pixels], [-0.25], 0, true)), true, a.label);
      if (verdict === 'pieces') continue;
      pairs++;
      if (verdict === 'one') ones++;
    }
    // Measured: 44 of the 59 single digits (1.4 times as wide) "one"; of the 54 pairs that make one piece, none.
    expect(asked).toBeGreaterThanOrEqual(55);
    expect(single).toBeGreaterThanOrEqual(38);
    expect(pairs).toBeGreaterThanOrEqual(50);
    expect(ones).toBe(0);
  }, 120_000);
});

describe('readDigits', () => {
  it('reads spaced digits left to right with a box each, in order', () => {
    const digits = clear.slice(0, 5);
    const reading = readDigits(
      row(
        digits.map((d) => d.pixels),
        [0.4, 0.3, 0.5, 0.35],
      ),
      model,
      engine,
    );
    expect(reading.text).toBe(text(digits));
    const xs = reading.digits.map((d) => d.box.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    for (const d of reading.digits) expect(d.normalized).toHaveLength(784);
    // Clear digits apart from each other: the reading is nearly as sure as its digits together, never surer.
    const product = reading.digits.reduce((p, d) => p * d.confidence, 1);
    expect(reading.confidence).toBeLessThanOrEqual(product);
    expect(reading.confidence).toBeGreaterThan(0.9);
  });

  it('never splits a lone digit in a wide picture', () => {
    for (const d of clear.slice(0, 20)) {
      const reading = readDigits(row([d.pixels], [], 400), model, engine);
      expect(reading.text).toBe(String(d.label));
    }
  });

  it('reads a picture of one digit as a single upload of it is, broken-off and faint strokes included', () => {
    // A band erased across the middle and another, faint, a quarter of the way down: the path rendered the digit from
    // its thresholded ink alone and left the faint strokes and small fragments out; an upload normalizes all the ink.
    for (const d of clear.slice(0, 12)) {
      const broken = d.pixels.slice();
      for (let x = 0; x < 28; x++) {
        broken[14 * 28 + x] = 0;
        broken[7 * 28 + x] = Math.round((broken[7 * 28 + x] as number) * 0.3);
      }
      const picture = row([broken], [], 40, true);
      const reading = readDigits(picture, model, engine);
      const upload = predict(model, normalizeDigit(picture), engine);
      expect(reading.digits).toHaveLength(1);
      expect(reading.digits[0]!.scores).toEqual(upload.scores);
      expect(reading.digits[0]!.normalized).toEqual(normalizeDigit(picture));
      // As sure as the upload: /v1/read and /v1/predict answer such a picture alike.
      expect(reading.confidence).toBe(upload.confidence);
      expect(reading.skipped).toEqual([]);
    }
  });

  it('reads a spaced 11 as narrow as one digit as two digits', () => {
    const ones = clear.filter((d) => d.label === 1).slice(0, 2);
    expect(ones).toHaveLength(2);
    const reading = readDigits(
      row(
        ones.map((d) => d.pixels),
        [0.1],
      ),
      model,
      engine,
    );
    expect(reading.text).toBe('11');
  });

  it('keeps the fragments of a broken digit together', () => {
    // A horizontal band erased across the middle breaks every stroke that crosses it.
    for (const d of clear.slice(0, 10)) {
      const broken = d.pixels.slice();
      for (let x = 0; x < 28; x++) broken[14 * 28 + x] = 0;
      const reading = readDigits(row([broken], []), model, engine);
      expect(reading.digits).toHaveLength(1);
    }
  });

  it('splits a touching pair into two digits', () => {
    const a = clear[0] as { pixels: Uint8Array; label: number };
    const b = clear[1] as { pixels: Uint8Array; label: number };
    const reading = readDigits(row([a.pixels, b.pixels], [-0.05]), model, engine);
    expect(reading.text).toBe(text([a, b]));
  });

  it('reads a touching pair standing alone that the word rule took for a letter', () => {
    // clear[14] and clear[15] (a 1 and a 5) joined: whole, the digit-or-not check calls the piece a lone letter.
    const a = clear[14] as { pixels: Uint8Array; label: number };
    const b = clear[15] as { pixels: Uint8Array; label: number };
    const reading = readDigits(row([a.pixels, b.pixels], [-0.05], 200), model, engine);
    expect(reading.text).toBe(text([a, b]));
  });

  it('reads two digits that overlap by their strokes, where no cut parts them', () => {
    // Pushed into each other by 0.3 of the digit height: a 3 and a 4, a 6 and a 5, a 4 and a 0 (the reader of
    // a72a8db read 3, 6 and 0: every cut left a stroke of one on the other's side).
    for (const i of [18, 22, 27]) {
      const a = clear[i] as { pixels: Uint8Array; label: number };
      const b = clear[i + 1] as { pixels: Uint8Array; label: number };
      const reading = readDigits(row([a.pixels, b.pixels], [-0.3], 200, true), model, engine);
      expect(reading.text).toBe(text([a, b]));
      // Each digit's box is its own strokes': the two overlap in columns.
      const [left, right] = reading.digits as [ReadDigit, ReadDigit];
      expect(right.box.x).toBeLessThan(left.box.x + left.box.width);
    }
  });

  it('reads two digits pushed half into each other, which read whole as one wide digit', () => {
    // 0.45 of the digit height into each other: a 4 and a 5, a 4 and a 9, a 9 and a 2, a 4 and a 0 (the reader of
    // a3d44fb read 5, 8, 2 and 0: the pair cost more than the one wide digit).
    for (const [i, j] of [
      [4, 8],
      [6, 7],
      [9, 1],
      [24, 10],
    ] as const) {
      const a = clear[i] as { pixels: Uint8Array; label: number };
      const b = clear[j] as { pixels: Uint8Array; label: number };
      const reading = readDigits(row([a.pixels, b.pixels], [-0.45], 200, true), model, engine);
      expect(reading.text).toBe(text([a, b]));
      // Parted by their strokes, a pair is less sure than its two digits' confidences say (a stroke split's cost).
      expect(reading.confidence).toBeLessThan(0.97 * reading.digits.reduce((p, d) => p * d.confidence, 1));
    }
  });

  it('leaves a dot out and lists it as skipped', () => {
    const d = clear[2] as { pixels: Uint8Array; label: number };
    const picture = row([d.pixels], [], 100);
    const data = picture.data.slice();
    for (let y = 90; y < 96; y++) for (let x = 140; x < 146; x++) data[y * picture.width + x] = 0;
    const reading = readDigits({ ...picture, data }, model, engine);
    expect(reading.text).toBe(String(d.label));
    expect(reading.skipped.map((s) => s.reason)).toEqual(['too-small']);
  });

  it('does not judge a short stroke beside a digit as a letter (a 5 with its top bar written apart)', () => {
    // A wide digit (drawn 4x across, 3x down: wider than the word rule judges whole) and, 6 px to its right at its
    // top, a flat stroke a seventh of its height: alone a "letter" to the digit-or-not network, it took the number
    // with it as a word of letters.
    for (const d of clear.slice(0, 8)) {
      let minX = 28;
      let maxX = -1;
      for (let i = 0; i < 784; i++)
        if ((d.pixels[i] as number) > 0) [minX, maxX] = [Math.min(minX, i % 28), Math.max(maxX, i % 28)];
      const width = 160 + (maxX - minX + 1) * 4 + 40;
      const height = 28 * 3 + 60;
      const data = new Float32Array(width * height).fill(1);
      for (let y = 0; y < 84; y++)
        for (let x = 0; x < (maxX - minX + 1) * 4; x++)
          data[(y + 30) * width + 30 + x] =
            1 - (d.pixels[Math.floor(y / 3) * 28 + minX + Math.floor(x / 4)] as number) / 255;
      const right = 30 + (maxX - minX + 1) * 4 + 6;
      for (let y = 30; y < 42; y++) for (let x = right; x < right + 40; x++) data[y * width + x] = 0;
      const reading = readDigits({ width, height, data }, model, engine);
      expect(reading.digits.length).toBeGreaterThan(0);
    }
  });

  it('answers NO_DIGIT_FOUND for a word of letters', () => {
    // K, e, r, n as a word: close together, as printed.
    const reading = () => readDigits(row([...'Kern'].map(glyph), [0.1, 0.1, 0.1]), model, engine);
    expect(reading).toThrow(
      expect.objectContaining({ code: 'NO_DIGIT_FOUND', message: expect.stringMatching(/letters/) }),
    );
  });

  it('reads the number beside a word and lists the letters as skipped', () => {
    const [a, b] = clear as [{ pixels: Uint8Array; label: number }, { pixels: Uint8Array; label: number }];
    const picture = row([...[...'Park'].map(glyph), a.pixels, b.pixels], [0.1, 0.1, 0.1, 1, 0.5]);
    const reading = readDigits(picture, model, engine);
    expect(reading.text).toBe(text([a, b]));
    expect(reading.skipped.filter((s) => s.reason === 'not-a-digit').length).toBeGreaterThanOrEqual(4);
    // The letters left out are no doubt about the digits: the reading is as sure as two clear digits apart.
    expect(reading.confidence).toBeGreaterThan(0.9);
  });

  it('leaves the currency sign of a printed price out, listed as one skipped piece', () => {
    // €, 4, 2 in one typeface (Noto Sans, 16 px), close together as printed: the € used to read as a 6. Each
    // picture was centred by its ink's mass; the € goes back up its one row to stand on the digits' line, as in type.
    const euro = new Uint8Array(784);
    euro.set(glyph('€').subarray(28));
    const picture = row([euro, printed(4), printed(2)], [0.1, 0.1]);
    const reading = readDigits(picture, model, engine);
    expect(reading.text).toBe('42');
    expect(reading.skipped).toHaveLength(1);
    const [sign] = reading.skipped;
    expect(sign?.reason).toBe('not-a-digit');
    expect(sign!.box.x + sign!.box.width).toBeLessThanOrEqual(reading.digits[0]!.box.x);
  });

  it('leaves out a sign beside a single printed digit that stands on its lines ("5%", "€2", "#2", "+5")', () => {
    // Glyphs of one typeface (Noto Sans, 16 px) as the price test above. Before 2026-12-07 these read 596, 62, 472
    // and 45: one digit gave the reader no line of type to tell a sign by. Signs that stand off the digit's lines in
    // these mass-centred pictures (a "+" shorter than a 7) are still read; the bench measures the rule on real type.
    const euro = new Uint8Array(784);
    euro.set(glyph('€').subarray(28));
    const cases: [string, GrayImage, 'left' | 'right'][] = [
      ['5', row([printed(5), glyph('%')], [0.1]), 'right'],
      ['2', row([euro, printed(2)], [0.1]), 'left'],
      ['2', row([glyph('#'), printed(2)], [0.1]), 'left'],
      ['5', row([glyph('+'), printed(5)], [0.1]), 'left'],
    ];
    for (const [digit, picture, side] of cases) {
      const reading = readDigits(picture, model, engine);
      expect(reading.text).toBe(digit);
      expect(reading.skipped).toHaveLength(1);
      const [sign] = reading.skipped;
      const only = reading.digits[0]!;
      expect(sign?.reason).toBe('not-a-digit');
      if (side === 'left') expect(sign!.box.x + sign!.box.width).toBeLessThanOrEqual(only.box.x);
      else expect(sign!.box.x).toBeGreaterThanOrEqual(only.box.x + only.box.width);
    }
  });

  it('leaves out a slash between printed digits, which leans as no figure does ("12/05")', () => {
    // Glyphs of one typeface (Noto Sans, 16 px) as the tests above. The check reads a slash as a 1; before 2026-12-07
    // a date read 12105 in every face bench:read-labels draws.
    const picture = row([printed(1), printed(2), glyph('/'), printed(0), printed(5)], [0.1, 0.1, 0.1, 0.1]);
    const reading = readDigits(picture, model, engine);
    expect(reading.text).toBe('1205');
    expect(reading.skipped).toHaveLength(1);
    const [slash] = reading.skipped;
    expect(slash?.reason).toBe('not-a-digit');
    expect(slash!.box.x).toBeGreaterThanOrEqual(reading.digits[1]!.box.x + reading.digits[1]!.box.width);
    expect(slash!.box.x + slash!.box.width).toBeLessThanOrEqual(reading.digits[2]!.box.x);
  });

  it('answers NO_DIGIT_FOUND for a blot', () => {
    const width = 240;
    const height = 120;
    const data = new Float32Array(width * height).fill(1);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) if ((x - 120) ** 2 + (y - 60) ** 2 <= 25 * 25) data[y * width + x] = 0.05;
    expect(() => readDigits({ width, height, data }, model, engine)).toThrow(
      expect.objectContaining({ code: 'NO_DIGIT_FOUND', message: expect.stringMatching(/letters or other marks/) }),
    );
  });

  it('answers NO_DIGIT_FOUND for a blank picture', () => {
    const blank = { width: 200, height: 80, data: new Float32Array(200 * 80).fill(0.9) };
    expect(() => readDigits(blank, model, engine)).toThrow(
      expect.objectContaining({ code: 'NO_DIGIT_FOUND', message: expect.stringMatching(/no ink stands out/) }),
    );
  });

  it('refuses a picture of many pieces before classifying any', () => {
    const width = 400;
    const height = 200;
    const data = new Float32Array(width * height).fill(1);
    for (let y = 10; y < height - 10; y += 12)
      for (let x = 10; x < width - 10; x += 12) {
        for (let dy = 0; dy < 6; dy++) for (let dx = 0; dx < 6; dx++) data[(y + dy) * width + x + dx] = 0;
      }
    const counted = counting(engine);
    let error: unknown;
    try {
      readDigits({ width, height, data }, model, counted);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ReadError);
    expect((error as ReadError).code).toBe('TOO_MANY_PIECES');
    expect(counted.images).toBe(0);
  });

  it('bounds the classifier work on a maze of strokes (one connected comb wider than many digits)', () => {
    const width = 3000;
    const height = 100;
    const data = new Float32Array(width * height).fill(1);
    for (let x = 10; x < width - 10; x++) for (let y = 80; y < 86; y++) data[y * width + x] = 0;
    for (let x = 10; x < width - 10; x += 9)
      for (let y = 10; y < 86; y++) data[y * width + x] = data[y * width + x + 1] = 0;
    const counted = counting(engine);
    try {
      readDigits({ width, height, data }, model, counted);
    } catch (e) {
      expect(e).toBeInstanceOf(ReadError);
    }
    // Slices are bounded by 3 x maxPieces and candidates by 4 per slice.
    expect(counted.images).toBeLessThanOrEqual(4 * 3 * DEFAULT_READ_LIMITS.maxPieces);
  });

  it('bounds the work on a picture of many crossings (stroke splits at most 3 per allowed piece)', () => {
    // 16 pairs of digits pushed into each other, apart from one another: every piece wide and read dearly.
    const digits: Uint8Array[] = [];
    const gaps: number[] = [];
    for (let k = 0; k < 16; k++) {
      digits.push((clear[k] as { pixels: Uint8Array }).pixels, (clear[k + 16] as { pixels: Uint8Array }).pixels);
      gaps.push(-0.3, 0.6);
    }
    const counted = counting(engine);
    const maxPieces = 32;
    const reading = readDigits(row(digits, gaps, 0, true), model, counted, { maxPieces });
    // Each piece judged whole once, 4 candidates per slice, 2 digits per stroke split.
    expect(counted.images).toBeLessThanOrEqual(maxPieces + 4 * 3 * maxPieces + 2 * 3 * maxPieces);
    expect(reading.digits.length).toBeGreaterThanOrEqual(16);
  });
});

describe('resolveReadLimits', () => {
  it('fills in defaults and refuses limits that are not positive whole numbers', () => {
    expect(resolveReadLimits({ maxDigits: 8 })).toEqual({ maxPieces: DEFAULT_READ_LIMITS.maxPieces, maxDigits: 8 });
    expect(() => resolveReadLimits({ maxPieces: 0 })).toThrow(RangeError);
    expect(() => resolveReadLimits({ maxDigits: 2.5 })).toThrow(RangeError);
  });
});
