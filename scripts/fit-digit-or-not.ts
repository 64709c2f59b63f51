/**
 * Fits the reader's "is this piece a digit at all" check (src/read/digit-or-not-weights.ts): a network with one
 * hidden layer on what the reader already has for every piece, its deskewed 28x28 picture and the model's ten
 * first-stage decision values. (A logistic regression on the same inputs kept only 89% of MNIST test digits where it
 * rejected 81% of letters.) Digits: 12,000 MNIST training digits, the printed-digit training set, and 6,000 pairs of
 * MNIST training digits pushed into each other (scripts/pair-samples.ts joinedPairs) as the reader renders a piece:
 * two digits joined into one piece are digits to the word rule, not a letter (fitted without them, the check called
 * 42% of such pairs letters, and a number such as "93" written joined was answered "no digit"). Not digits: the
 * letters and signs of data/font-letters (scripts/render-font-letters.ts) and drawn dots, blobs and dashes.
 * Nothing from MNIST test or the read bench's typefaces is used for fitting. Seeded SGD in a fixed order, so the same
 * data gives the same weights. Prints held-out figures (letters of four typefaces held out, MNIST test digits 0-4999,
 * pairs from MNIST training rows 50,000-59,999), then writes the weights fitted on everything.
 *
 * Also prints held-out figures on glyphs as the reader renders them from pictures (readerGlyphs): MNIST test digits
 * 0-4999 and the four held-out typefaces' letters. `--reader-pictures N` fits on such glyphs too, N pictures of MNIST
 * training digits and N of letters (0, the shipped weights: at 4,000 the check told letters better, 46 -> 58% of the
 * reader's held-out letters called not-digit at -5, but read no more numbers; docs/EXPERIMENTS.md). `--lone-glyph`
 * writes src/read/lone-glyph-weights.ts instead, the second check the word rule asks of a piece alone: the shipped
 * one is `--reader-pictures 10000 --lone-glyph` (about 15 minutes on 2 cores).
 *
 * Run: `npx tsx scripts/fit-digit-or-not.ts [--model model/model.bin] [--epochs 14] [--held-out-only]
 * [--reader-pictures 0] [--lone-glyph]` (about three minutes on 2 cores; 14 epochs wrote the shipped weights).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { normalizeDigit } from '../src/image/index.js';
import type { GrayImage } from '../src/image/gray.js';
import type { Dataset } from '../src/ml/dataset.js';
import { readIdxImages } from '../src/ml/idx.js';
import { mulberry32, permutation } from '../src/ml/rng.js';
import { loadModelFile } from '../src/node/model-file.js';
import { PACKAGE_ROOT } from '../src/node/package-root.js';
import { loadFontDigits } from '../src/training/font-digits.js';
import { loadMnist } from '../src/training/mnist-data.js';
import { renderInk } from '../src/read/render.js';
import { joinedPairs } from './pair-samples.js';
import { composeNumber, labelledPieces } from './piece-samples.js';
import { fitNet, netInputs, netLogit, packNet, type Net } from './small-net.js';

const { values: flags } = parseArgs({
  options: {
    model: { type: 'string' },
    epochs: { type: 'string', default: '14' },
    'held-out-only': { type: 'boolean', default: false },
    'reader-pictures': { type: 'string', default: '0' },
    'lone-glyph': { type: 'boolean', default: false },
  },
});
const EPOCHS = Number(flags.epochs);
const READER_PICTURES = Number(flags['reader-pictures']);

/** Pictures of things that are not digits and that no font holds: dots, blobs, dashes, as normalizeDigit sees them. */
function drawnMarks(count: number, random: () => number): Uint8Array[] {
  const out: Uint8Array[] = [];
  while (out.length < count) {
    const size = 40;
    const data = new Float32Array(size * size);
    const kind = out.length % 3;
    const rx = kind === 2 ? 6 + random() * 12 : 3 + random() * 10;
    const ry = kind === 2 ? 1 + random() * 2.5 : kind === 0 ? rx * (0.8 + random() * 0.4) : 2 + random() * 12;
    const angle = kind === 2 ? (random() - 0.5) * 0.6 : random() * Math.PI;
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const dx = x - 20;
        const dy = y - 20;
        const u = dx * Math.cos(angle) + dy * Math.sin(angle);
        const v = -dx * Math.sin(angle) + dy * Math.cos(angle);
        if ((u / rx) ** 2 + (v / ry) ** 2 <= 1) data[y * size + x] = 1;
      }
    const image: GrayImage = { width: size, height: size, data };
    try {
      out.push(normalizeDigit(image));
    } catch {
      // Too small to normalize: the reader drops such pieces before asking.
    }
  }
  return out;
}

const HIDDEN = 48;
/** Pairs pushed into each other, and the weight of each (an MNIST digit's is 0.5: a pair weighs a fifth of one). */
const PAIRS = 6_000;
const PAIR_WEIGHT = 0.1;

/** Pairs of digits pushed into each other (joinedPairs), as the reader renders such a piece. */
function joinedPairPictures(train: Dataset, rows: { from: number; to: number }, count: number, seed: number) {
  return joinedPairs(train, rows, count, mulberry32(seed)).flatMap((ink) => renderInk(ink) ?? []);
}

/**
 * Glyphs as the reader renders them from a picture: `pictures` spaced rows of one to three glyphs of `source`
 * (scripts/piece-samples.ts: each glyph's ink scaled to 36-86 px, strokes thickened or not, clean or photo-like paper,
 * some inverted), through the reader's ink finding, grouping and rendering; every candidate that holds one glyph's
 * ink. A 28x28 MNIST digit is not what the reader renders from a photo of it (thresholded ink, other stroke widths):
 * fitted on MNIST pictures alone, the check called a clear lone 5 or 8 in a photo a letter.
 */
function readerGlyphs(source: Dataset, pictures: number, seed: number): Uint8Array[] {
  const random = mulberry32(seed);
  const out: Uint8Array[] = [];
  for (let p = 0; p < pictures; p++) {
    const style = { touchRate: 0, thick: random() < 0.3, photo: random() < 0.5 };
    const composed = composeNumber(source, 1 + Math.floor(random() * 3), random, style);
    if (composed !== undefined) for (const s of labelledPieces(composed)) if (s.label === 1) out.push(s.picture);
  }
  return out;
}

/** Rows `from` to `to` of a set of 28x28 pictures, as a Dataset (labels unused). */
function rowsOf(pixels: Uint8Array, from: number, to: number): Dataset {
  return { images: pixels.subarray(from * 784, to * 784), labels: new Uint8Array(to - from), count: to - from };
}

async function main(): Promise<void> {
  const { model } = await loadModelFile(flags.model);
  const random = mulberry32(20261203);
  const { train, test } = await loadMnist();
  const mnistPick = permutation(train.count, random).subarray(0, 12_000);
  const digits = [...mnistPick].map((k) => train.images.subarray(k * 784, (k + 1) * 784));
  const fonts = (await loadFontDigits()).data;
  for (let k = 0; k < fonts.count; k++) digits.push(fonts.images.subarray(k * 784, (k + 1) * 784));
  const printedTo = digits.length;
  // Their own random sequence: the digits, letters and marks drawn above and below are the ones drawn without them.
  digits.push(...joinedPairPictures(train, { from: 0, to: 50_000 }, PAIRS, 20261207));
  const pairsTo = digits.length;
  digits.push(...readerGlyphs(rowsOf(train.images, 0, 50_000), READER_PICTURES, 20261210));
  const letterFile = gunzipSync(
    await readFile(path.join(PACKAGE_ROOT, 'data', 'font-letters', 'images-idx3-ubyte.gz')),
  );
  const letters = readIdxImages(new Uint8Array(letterFile));
  const letterImages = Array.from({ length: letters.count }, (_, k) => letters.pixels.subarray(k * 784, (k + 1) * 784));
  const marks = drawnMarks(1500, random);
  // Letters as the reader renders them, from the typefaces the held-out figures do not hold out.
  const perFace = letters.count / 20;
  const readerLetters = readerGlyphs(rowsOf(letters.pixels, 0, Math.round(16 * perFace)), READER_PICTURES, 20261211);
  console.log(`reader-rendered: ${digits.length - pairsTo} digits, ${readerLetters.length} letters`);
  const testDigits = Array.from({ length: 5000 }, (_, k) => test.images.subarray(k * 784, (k + 1) * 784));

  const all = [...digits, ...letterImages, ...marks, ...readerLetters];
  const y = new Uint8Array(all.length);
  y.fill(1, 0, digits.length);
  // Digits and non-digits weigh the same in total.
  const weight = new Float32Array(all.length);
  // Each weighs as it did without the reader's glyphs (a pushed pair a fifth of a digit), and a glyph the reader
  // rendered as much as an MNIST digit or a letter of the font set.
  weight.fill(0.5 / pairsTo, 0, digits.length);
  // Printed digits count three times: they are the digits that look most like letters.
  weight.fill(1.5 / pairsTo, printedTo - fonts.count, printedTo);
  weight.fill(PAIR_WEIGHT / pairsTo, printedTo, pairsTo);
  weight.fill(0.5 / (all.length - digits.length - readerLetters.length), digits.length);
  const { x, dim } = await netInputs(model, all);
  const { x: xTest } = await netInputs(model, testDigits);

  // Held out: the letters of the last four typefaces (the set is typeface-major, 20 faces).
  const heldFrom = digits.length + Math.round(16 * perFace);
  const heldTo = digits.length + letters.count;
  const trainWeight = Float32Array.from(weight, (v, k) => (k >= heldFrom && k < heldTo ? 0 : v));
  const held = fitNet(x, y, trainWeight, { dim, hidden: HIDDEN }, EPOCHS, 1);
  const rate = (m: Net, xs: Float32Array, from: number, to: number, threshold: number, digit: boolean) => {
    let ok = 0;
    for (let k = from; k < to; k++) if (netLogit(m, xs, k) >= threshold === digit) ok++;
    return ok / (to - from);
  };
  for (const t of [-6, -4, -3, -2, -1, 0]) {
    console.log(
      `held out, logit >= ${t}: letters of 4 unseen faces called not-digit ${(100 * rate(held, x, heldFrom, heldTo, t, false)).toFixed(1)}%, ` +
        `MNIST test digits kept ${(100 * rate(held, xTest, 0, testDigits.length, t, true)).toFixed(2)}%`,
    );
  }
  const heldPairs = joinedPairPictures(train, { from: 50_000, to: 60_000 }, 2_000, 20261208);
  const { x: xPairs } = await netInputs(model, heldPairs);
  for (const t of [-5, -3]) {
    console.log(
      `held out, logit >= ${t}: pairs pushed into each other (training rows 50,000-59,999) called digits ${(100 * rate(held, xPairs, 0, heldPairs.length, t, true)).toFixed(1)}%`,
    );
  }
  // Held out as the reader renders them: MNIST test digits 0-4999 and the letters of the four held-out typefaces.
  const heldReaderDigits = readerGlyphs(rowsOf(test.images, 0, 5000), 2000, 20261212);
  const heldReaderLetters = readerGlyphs(
    rowsOf(letters.pixels, Math.round(16 * perFace), letters.count),
    1000,
    20261213,
  );
  const { x: xReaderDigits } = await netInputs(model, heldReaderDigits);
  const { x: xReaderLetters } = await netInputs(model, heldReaderLetters);
  for (const t of [-5, -3]) {
    console.log(
      `held out, logit >= ${t}, as the reader renders them: MNIST test digits kept ` +
        `${(100 * rate(held, xReaderDigits, 0, heldReaderDigits.length, t, true)).toFixed(2)}% (${heldReaderDigits.length}), ` +
        `letters of 4 unseen faces called not-digit ${(100 * rate(held, xReaderLetters, 0, heldReaderLetters.length, t, false)).toFixed(1)}% (${heldReaderLetters.length})`,
    );
  }
  if (flags['held-out-only']) return;
  const final = fitNet(x, y, weight, { dim, hidden: HIDDEN }, EPOCHS, 1);
  const sha256 = (await loadModelFile(flags.model)).sha256;
  const [file, body] = flags['lone-glyph'] ? loneGlyphFile(final, sha256) : digitOrNotFile(final, sha256);
  await writeFile(path.join(PACKAGE_ROOT, 'src', 'read', file), body);
  console.log(`wrote src/read/${file}`);
}

/** src/read/digit-or-not-weights.ts for the weights. */
function digitOrNotFile(net: Net, sha256: string): [string, string] {
  const body = [
    '/**',
    ' * Weights of the "is this piece a digit at all" check (digit-or-not.ts): a network with one hidden layer of',
    ` * ${HIDDEN} ReLU units on a piece's deskewed 28x28 picture (784 values in [0, 1]) and the model's ten first-stage`,
    ' * decision values. Written by scripts/fit-digit-or-not.ts from MNIST training digits, the printed-digit training',
    ' * set, pairs of training digits pushed into each other, data/font-letters and drawn marks, for the model with SHA-256',
    ` * ${sha256}; do not edit by hand.`,
    ' */',
    `export const DIGIT_OR_NOT_HIDDEN = ${HIDDEN};`,
    '/** Little-endian float32, base64: w1 (hidden x 794, row-major), b1, w2, b2. */',
    // As prettier lays it out (the file passes `npm run format:check` as written); typed `string`, or the declaration
    // file would repeat the whole literal as its type.
    `export const DIGIT_OR_NOT_WEIGHTS: string =\n  '${packNet(net)}';`,
    '',
  ];
  return ['digit-or-not-weights.ts', body.join('\n')];
}

/** src/read/lone-glyph-weights.ts for the weights (`--lone-glyph`, fitted with the reader's glyphs too). */
function loneGlyphFile(net: Net, sha256: string): [string, string] {
  const body = [
    '/**',
    ' * Weights of the lone-glyph check (digit-or-not.ts loneGlyphNet): the digit-or-not network fitted with glyphs as',
    ` * the reader renders them too (${READER_PICTURES} pictures of MNIST training digits, as many of letters), ${HIDDEN}`,
    " * ReLU units on a piece's deskewed 28x28 picture and the model's ten first-stage decision values. Written by",
    ` * \`npx tsx scripts/fit-digit-or-not.ts --reader-pictures ${READER_PICTURES} --lone-glyph\` for the model with`,
    ` * SHA-256 ${sha256}; do not edit by hand.`,
    ' */',
    `export const LONE_GLYPH_HIDDEN = ${HIDDEN};`,
    '/** Little-endian float32, base64: w1 (hidden x 794, row-major), b1, w2, b2. */',
    `export const LONE_GLYPH_WEIGHTS: string =\n  '${packNet(net)}';`,
    '',
  ];
  return ['lone-glyph-weights.ts', body.join('\n')];
}

await main();
