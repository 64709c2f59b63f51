/**
 * Fits the reader's "is this piece a digit at all" check (src/read/digit-or-not-weights.ts): a network with one
 * hidden layer on what the reader already has for every piece, its deskewed 28x28 picture and the model's ten
 * first-stage decision values. (A logistic regression on the same inputs kept only 89% of MNIST test digits where it
 * rejected 81% of letters.) Digits: 12,000 MNIST training digits and the printed-digit training set; not digits: the
 * letters and signs of data/font-letters (scripts/render-font-letters.ts) and drawn dots, blobs and dashes.
 * Nothing from MNIST test or the read bench's typefaces is used for fitting. Seeded SGD in a fixed order, so the same
 * data gives the same weights. Prints held-out figures (letters of four typefaces held out, MNIST test digits 0-4999),
 * then writes the weights fitted on everything.
 *
 * Run: `npx tsx scripts/fit-digit-or-not.ts [--model model/model.bin.gz] [--epochs 14] [--held-out-only]` (about
 * four minutes on 2 cores; 14 epochs wrote the shipped weights).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { normalizeDigit } from '../src/image/index.js';
import type { GrayImage } from '../src/image/gray.js';
import { deskew } from '../src/ml/deskew.js';
import { readIdxImages } from '../src/ml/idx.js';
import type { SvmModel } from '../src/ml/model.js';
import { mulberry32, permutation } from '../src/ml/rng.js';
import { createModelEngine } from '../src/node/kernel-wasm.js';
import { loadModelFile } from '../src/node/model-file.js';
import { PACKAGE_ROOT } from '../src/node/package-root.js';
import { loadFontDigits } from '../src/training/font-digits.js';
import { loadMnist } from '../src/training/mnist-data.js';

const { values: flags } = parseArgs({
  options: {
    model: { type: 'string' },
    epochs: { type: 'string', default: '14' },
    'held-out-only': { type: 'boolean', default: false },
  },
});
const DIM = 784 + 10;
const EPOCHS = Number(flags.epochs);

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

async function features(model: SvmModel, images: readonly Uint8Array[]): Promise<Float32Array> {
  const engine = await createModelEngine(model);
  const batch = new Uint8Array(images.length * 784);
  images.forEach((image, k) => deskew(image, batch.subarray(k * 784, (k + 1) * 784)));
  const scores = new Float64Array(images.length * 10);
  for (let from = 0; from < images.length; from += 512) {
    const n = Math.min(512, images.length - from);
    engine.decisionValues(batch.subarray(from * 784, (from + n) * 784), n, scores.subarray(from * 10, (from + n) * 10));
  }
  const x = new Float32Array(images.length * DIM);
  for (let k = 0; k < images.length; k++) {
    for (let i = 0; i < 784; i++) x[k * DIM + i] = (batch[k * 784 + i] as number) / 255;
    for (let c = 0; c < 10; c++) x[k * DIM + 784 + c] = scores[k * 10 + c] as number;
  }
  return x;
}

const HIDDEN = 48;

interface Net {
  readonly w1: Float32Array; // HIDDEN x DIM
  readonly b1: Float32Array;
  readonly w2: Float32Array; // HIDDEN
  b2: number;
}

/** A one-hidden-layer network (ReLU), weighted log-loss, minibatch SGD with momentum, seeded: same data, same net. */
function fit(x: Float32Array, y: Uint8Array, weight: Float32Array, epochs: number, seed: number): Net {
  const random = mulberry32(seed);
  const n = y.length;
  const net: Net = {
    w1: Float32Array.from({ length: HIDDEN * DIM }, () => (random() - 0.5) * 2 * Math.sqrt(6 / (DIM + HIDDEN))),
    b1: new Float32Array(HIDDEN),
    w2: Float32Array.from({ length: HIDDEN }, () => (random() - 0.5) * 2 * Math.sqrt(6 / (HIDDEN + 1))),
    b2: 0,
  };
  const v1 = new Float32Array(HIDDEN * DIM);
  const vb1 = new Float32Array(HIDDEN);
  const v2 = new Float32Array(HIDDEN);
  let vb2 = 0;
  const g1 = new Float32Array(HIDDEN * DIM);
  const gb1 = new Float32Array(HIDDEN);
  const g2 = new Float32Array(HIDDEN);
  const h = new Float32Array(HIDDEN);
  const mean = weight.reduce((s, v) => s + v, 0) / n;
  const batch = 64;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const rate = 0.05 * (1 - epoch / epochs) + 0.002;
    const order = permutation(n, random);
    for (let from = 0; from < n; from += batch) {
      g1.fill(0);
      gb1.fill(0);
      g2.fill(0);
      let gb2 = 0;
      const to = Math.min(n, from + batch);
      for (let t = from; t < to; t++) {
        const k = order[t] as number;
        const row = k * DIM;
        let z = net.b2;
        for (let j = 0; j < HIDDEN; j++) {
          let a = net.b1[j] as number;
          const wr = j * DIM;
          for (let i = 0; i < DIM; i++) a += (net.w1[wr + i] as number) * (x[row + i] as number);
          h[j] = a > 0 ? a : 0;
          z += (net.w2[j] as number) * (h[j] as number);
        }
        const p = 1 / (1 + Math.exp(-z));
        const g = ((p - (y[k] as number)) * (weight[k] as number)) / mean / (to - from);
        gb2 += g;
        for (let j = 0; j < HIDDEN; j++) {
          g2[j] = (g2[j] as number) + g * (h[j] as number);
          if ((h[j] as number) <= 0) continue;
          const gh = g * (net.w2[j] as number);
          gb1[j] = (gb1[j] as number) + gh;
          const wr = j * DIM;
          for (let i = 0; i < DIM; i++) g1[wr + i] = (g1[wr + i] as number) + gh * (x[row + i] as number);
        }
      }
      for (let i = 0; i < g1.length; i++) {
        v1[i] = 0.9 * (v1[i] as number) - rate * ((g1[i] as number) + 1e-5 * (net.w1[i] as number));
        net.w1[i] = (net.w1[i] as number) + (v1[i] as number);
      }
      for (let j = 0; j < HIDDEN; j++) {
        vb1[j] = 0.9 * (vb1[j] as number) - rate * (gb1[j] as number);
        net.b1[j] = (net.b1[j] as number) + (vb1[j] as number);
        v2[j] = 0.9 * (v2[j] as number) - rate * (g2[j] as number);
        net.w2[j] = (net.w2[j] as number) + (v2[j] as number);
      }
      vb2 = 0.9 * vb2 - rate * gb2;
      net.b2 += vb2;
    }
  }
  return net;
}

function logit(net: Net, x: Float32Array, k: number): number {
  let z = net.b2;
  for (let j = 0; j < HIDDEN; j++) {
    let a = net.b1[j] as number;
    for (let i = 0; i < DIM; i++) a += (net.w1[j * DIM + i] as number) * (x[k * DIM + i] as number);
    if (a > 0) z += (net.w2[j] as number) * a;
  }
  return z;
}

async function main(): Promise<void> {
  const { model } = await loadModelFile(flags.model);
  const random = mulberry32(20261203);
  const { train, test } = await loadMnist();
  const mnistPick = permutation(train.count, random).subarray(0, 12_000);
  const digits = [...mnistPick].map((k) => train.images.subarray(k * 784, (k + 1) * 784));
  const fonts = (await loadFontDigits()).data;
  for (let k = 0; k < fonts.count; k++) digits.push(fonts.images.subarray(k * 784, (k + 1) * 784));
  const letterFile = gunzipSync(
    await readFile(path.join(PACKAGE_ROOT, 'data', 'font-letters', 'images-idx3-ubyte.gz')),
  );
  const letters = readIdxImages(new Uint8Array(letterFile));
  const letterImages = Array.from({ length: letters.count }, (_, k) => letters.pixels.subarray(k * 784, (k + 1) * 784));
  const marks = drawnMarks(1500, random);
  const testDigits = Array.from({ length: 5000 }, (_, k) => test.images.subarray(k * 784, (k + 1) * 784));

  const all = [...digits, ...letterImages, ...marks];
  const y = new Uint8Array(all.length);
  y.fill(1, 0, digits.length);
  // Digits and non-digits weigh the same in total.
  const weight = new Float32Array(all.length);
  weight.fill(0.5 / digits.length, 0, digits.length);
  // Printed digits count three times: they are the digits that look most like letters.
  weight.fill(1.5 / digits.length, digits.length - fonts.count, digits.length);
  weight.fill(0.5 / (all.length - digits.length), digits.length);
  const x = await features(model, all);
  const xTest = await features(model, testDigits);

  // Held out: the letters of the last four typefaces (the set is typeface-major, 20 faces).
  const perFace = letters.count / 20;
  const heldFrom = digits.length + Math.round(16 * perFace);
  const heldTo = digits.length + letters.count;
  const trainWeight = Float32Array.from(weight, (v, k) => (k >= heldFrom && k < heldTo ? 0 : v));
  const held = fit(x, y, trainWeight, EPOCHS, 1);
  const rate = (m: typeof held, xs: Float32Array, from: number, to: number, threshold: number, digit: boolean) => {
    let ok = 0;
    for (let k = from; k < to; k++) if (logit(m, xs, k) >= threshold === digit) ok++;
    return ok / (to - from);
  };
  for (const t of [-6, -4, -3, -2, -1, 0]) {
    console.log(
      `held out, logit >= ${t}: letters of 4 unseen faces called not-digit ${(100 * rate(held, x, heldFrom, heldTo, t, false)).toFixed(1)}%, ` +
        `MNIST test digits kept ${(100 * rate(held, xTest, 0, testDigits.length, t, true)).toFixed(2)}%`,
    );
  }
  if (flags['held-out-only']) return;
  const final = fit(x, y, weight, EPOCHS, 1);
  // Little-endian float32: w1 (hidden x 794, row-major), b1, w2, b2.
  const packed = new Float32Array(HIDDEN * DIM + 2 * HIDDEN + 1);
  packed.set(final.w1, 0);
  packed.set(final.b1, HIDDEN * DIM);
  packed.set(final.w2, HIDDEN * DIM + HIDDEN);
  packed[packed.length - 1] = final.b2;
  const body = [
    '/**',
    ' * Weights of the "is this piece a digit at all" check (digit-or-not.ts): a network with one hidden layer of',
    ` * ${HIDDEN} ReLU units on a piece's deskewed 28x28 picture (784 values in [0, 1]) and the model's ten first-stage`,
    ' * decision values. Written by scripts/fit-digit-or-not.ts from MNIST training digits, the printed-digit training',
    ' * set, data/font-letters and drawn marks, for the model with SHA-256',
    ` * ${(await loadModelFile(flags.model)).sha256}; do not edit by hand.`,
    ' */',
    `export const DIGIT_OR_NOT_HIDDEN = ${HIDDEN};`,
    '/** Little-endian float32, base64: w1 (hidden x 794, row-major), b1, w2, b2. */',
    `export const DIGIT_OR_NOT_WEIGHTS = '${Buffer.from(packed.buffer).toString('base64')}';`,
    '',
  ];
  await writeFile(path.join(PACKAGE_ROOT, 'src', 'read', 'digit-or-not-weights.ts'), body.join('\n'));
  console.log('wrote src/read/digit-or-not-weights.ts');
}

await main();
