/**
 * Fits the reader's "is this candidate one digit" check (src/read/one-digit-weights.ts) on the reader's own
 * candidates (scripts/piece-samples.ts): numbers composed from MNIST training digits and the printed-digit training
 * set, spaced and touching, thin and thick, clean and photo-like. Nothing from MNIST test, the read bench's
 * generator or its typefaces is used. Prints figures on candidates of numbers held out from the fit, then writes
 * the weights fitted on all of them. Same data, options and seed: same weights.
 *
 * Run: `npx tsx scripts/fit-one-digit.ts [--model model/model.bin] [--pictures 4000] [--epochs 10]
 * [--held-out-only] [--slant 0] [--out FILE]` (`--slant S` shears each number's digits by up to S columns per row:
 * tried at 0.15 and not shipped, docs/EXPERIMENTS.md; `--out` writes elsewhere than src/read/one-digit-weights.ts).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../src/ml/rng.js';
import { loadModelFile } from '../src/node/model-file.js';
import { PACKAGE_ROOT } from '../src/node/package-root.js';
import { loadFontDigits } from '../src/training/font-digits.js';
import { loadMnist } from '../src/training/mnist-data.js';
import { composeNumber, labelledPieces, type PieceSample } from './piece-samples.js';
import { fitNet, netInputs, netLogit, packNet } from './small-net.js';

const { values: flags } = parseArgs({
  options: {
    model: { type: 'string' },
    pictures: { type: 'string', default: '4000' },
    epochs: { type: 'string', default: '10' },
    hidden: { type: 'string', default: '32' },
    slant: { type: 'string', default: '0' },
    out: { type: 'string' },
    'held-out-only': { type: 'boolean', default: false },
  },
});
const PICTURES = Number(flags.pictures);
const EPOCHS = Number(flags.epochs);
const HIDDEN = Number(flags.hidden);
/** Pictures after this share are held out for the printed figures. */
const FIT_SHARE = 0.85;

async function main(): Promise<void> {
  const loaded = await loadModelFile(flags.model);
  const random = mulberry32(20261204);
  const { train } = await loadMnist();
  const fonts = (await loadFontDigits()).data;
  const samples: PieceSample[] = [];
  let heldFrom = 0;
  const started = performance.now();
  for (let p = 0; p < PICTURES; p++) {
    if (p === Math.round(FIT_SHARE * PICTURES)) heldFrom = samples.length;
    const r = random();
    const style = {
      touchRate: r < 0.3 ? 0 : r < 0.7 ? 0.5 : 1,
      thick: random() < 0.3,
      photo: random() < 0.3,
      slant: Number(flags.slant),
    };
    const count = random() < 0.1 ? 1 : 2 + Math.floor(random() * 5);
    const source = random() < 0.12 ? fonts : train;
    const composed = composeNumber(source, count, random, style);
    if (composed !== undefined) samples.push(...labelledPieces(composed));
  }
  const ones = samples.filter((s) => s.label === 1).length;
  console.log(
    `${PICTURES} pictures: ${samples.length} candidates, ${ones} one digit, ${samples.length - ones} not ` +
      `(${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  const { x, dim } = await netInputs(
    loaded.model,
    samples.map((s) => s.picture),
    samples.map((s) => s.shape),
  );
  const y = Uint8Array.from(samples, (s) => s.label);
  // Both labels weigh the same in total.
  const weight = Float32Array.from(samples, (s) => (s.label === 1 ? 0.5 / ones : 0.5 / (samples.length - ones)));
  const fitWeight = weight.map((w, k) => (k >= heldFrom ? 0 : w));
  const held = fitNet(x, y, fitWeight, { dim, hidden: HIDDEN }, EPOCHS, 1);
  for (const t of [-4, -2, -1, 0, 1, 2]) {
    let ok1 = 0;
    let n1 = 0;
    let ok0 = 0;
    let n0 = 0;
    for (let k = heldFrom; k < samples.length; k++) {
      const yes = netLogit(held, x, k) >= t;
      if (y[k] === 1) {
        n1++;
        if (yes) ok1++;
      } else {
        n0++;
        if (!yes) ok0++;
      }
    }
    console.log(
      `held out, logit >= ${t}: one digit kept ${((100 * ok1) / n1).toFixed(1)}% of ${n1}, ` +
        `not one called so ${((100 * ok0) / n0).toFixed(1)}% of ${n0}`,
    );
  }
  if (flags['held-out-only']) return;
  const final = fitNet(x, y, weight, { dim, hidden: HIDDEN }, EPOCHS, 1);
  const body = [
    '/**',
    ' * Weights of the "is this candidate one digit" check (one-digit.ts): a network with one hidden layer of',
    ` * ${HIDDEN} ReLU units on a candidate's deskewed 28x28 picture, the model's ten first-stage decision values and`,
    ` * its shape. Written by scripts/fit-one-digit.ts (${PICTURES} numbers, ${EPOCHS} epochs) for the model with SHA-256`,
    ` * ${loaded.sha256}; do not edit by hand.`,
    ' */',
    `export const ONE_DIGIT_HIDDEN = ${HIDDEN};`,
    '/** Little-endian float32, base64: w1 (hidden x inputs, row-major), b1, w2, b2. */',
    // As prettier lays it out (the file passes `npm run format:check` as written); typed `string`, or the declaration
    // file would repeat the whole literal as its type.
    `export const ONE_DIGIT_WEIGHTS: string =\n  '${packNet(final)}';`,
    '',
  ];
  const out = flags.out ?? path.join(PACKAGE_ROOT, 'src', 'read', 'one-digit-weights.ts');
  await writeFile(out, body.join('\n'));
  console.log(`wrote ${out}`);
}

await main();
