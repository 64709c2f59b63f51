/**
 * Fits the reader's pair network (src/read/pair-net.ts) on pictures from scripts/pair-samples.ts: 120,000 composed
 * from MNIST training rows 0-49,999 (and the printed training set) to fit on, 10,000 from rows 50,000-59,999 held out
 * for the printed figures. Minibatch SGD (64 pictures, momentum 0.9, weight decay 1e-4, the step from 0.02 down a
 * cosine to 0), each batch's two halves summed by two threads and added in a fixed order: same data, options and
 * seed give the same weights byte for byte, on any number of cores. Writes src/read/pair-net-weights.ts.
 *
 * Run: `npx tsx scripts/fit-pair-net.ts [--epochs 6] [--pictures 120000] [--seed 0] [--out FILE]` (6 epochs: about 25
 * minutes on a 2-core AMD EPYC, 1.3 GB). Another `--seed` fits another network from the same recipe (two averaged:
 * docs/EXPERIMENTS.md, not shipped).
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32, permutation } from '../src/ml/rng.js';
import { PACKAGE_ROOT } from '../src/node/package-root.js';
import { spawnWorker } from '../src/node/spawn-worker.js';
import { PAIR_NET_SIZE, pairNetViews } from '../src/read/pair-net.js';
import { loadFontDigits } from '../src/training/font-digits.js';
import { loadMnist } from '../src/training/mnist-data.js';
import type { HeldCounts, PairWorkerAsk, PairWorkerData } from './fit-pair-net-worker.js';
import { initPairNet } from './pair-net-backward.js';
import { pairSamples } from './pair-samples.js';

const { values: flags } = parseArgs({
  options: {
    epochs: { type: 'string', default: '6' },
    pictures: { type: 'string', default: '120000' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: path.join(PACKAGE_ROOT, 'src', 'read', 'pair-net-weights.ts') },
  },
});
const EPOCHS = Number(flags.epochs);
const PICTURES = Number(flags.pictures);
/** 0 fits the shipped network; another seed draws other pictures, starting weights and order from the same recipe. */
const SEED = Number(flags.seed);
const HELD_OUT = 10_000;
const BATCH = 64;
/** The batch is always split in two halves, one per thread, so that the sums (and the weights) never depend on cores. */
const HALVES = 2;
const STEP = 0.02;
const MOMENTUM = 0.9;
const DECAY = 1e-4;
const TWO_WEIGHT = 1;

function shared<T extends Uint8Array | Int8Array>(a: T): T {
  const out = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

async function main(): Promise<void> {
  const started = performance.now();
  const { train } = await loadMnist();
  const printed = (await loadFontDigits()).data;
  const fit = pairSamples(train, printed, { from: 0, to: 50_000 }, PICTURES, mulberry32(11 + 1000 * SEED));
  const held = pairSamples(train, printed, { from: 50_000, to: 60_000 }, HELD_OUT, mulberry32(12));
  console.log(
    `${PICTURES} pictures to fit, ${HELD_OUT} held out: ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );

  const weightsBuffer = new SharedArrayBuffer(PAIR_NET_SIZE * 4);
  const weights = new Float32Array(weightsBuffer);
  initPairNet(pairNetViews(weights), mulberry32(77 + 1000 * SEED));
  const velocity = new Float32Array(PAIR_NET_SIZE);
  const frames = shared(fit.frames);
  const labels = shared(fit.labels);
  const order = new Int32Array(new SharedArrayBuffer(PICTURES * 4));
  const grads = Array.from({ length: HALVES }, () => new Float32Array(new SharedArrayBuffer(PAIR_NET_SIZE * 4)));
  const workers = grads.map((grad) => {
    const data: PairWorkerData = {
      weights: weightsBuffer,
      grad: grad.buffer,
      frames,
      labels,
      order,
      twoWeight: TWO_WEIGHT,
    };
    return spawnWorker('fit-pair-net-worker', import.meta.url, { workerData: data });
  });
  const ask = <T>(worker: (typeof workers)[number], message: PairWorkerAsk) =>
    new Promise<T>((resolve, reject) => {
      worker.once('message', (answer: T) => {
        worker.off('error', reject);
        resolve(answer);
      });
      worker.once('error', reject);
      worker.postMessage(message);
    });
  try {
    const shuffle = mulberry32(99 + 1000 * SEED);
    const steps = EPOCHS * Math.floor(PICTURES / BATCH);
    let step = 0;
    for (let epoch = 0; epoch < EPOCHS; epoch++) {
      order.set(permutation(PICTURES, shuffle));
      let loss = 0;
      for (let b = 0; b + BATCH <= PICTURES; b += BATCH) {
        const half = BATCH / HALVES;
        const losses = await Promise.all(
          workers.map((w, k) => ask<number>(w, { kind: 'grad', from: b + k * half, count: half })),
        );
        loss += losses.reduce((a, c) => a + c, 0);
        const rate = STEP * 0.5 * (1 + Math.cos((Math.PI * step) / steps));
        step++;
        for (let i = 0; i < PAIR_NET_SIZE; i++) {
          let g = 0;
          for (const grad of grads) g += grad[i] as number;
          g /= BATCH;
          g += DECAY * (weights[i] as number);
          velocity[i] = MOMENTUM * (velocity[i] as number) + g;
          weights[i] = (weights[i] as number) - rate * (velocity[i] as number);
        }
      }
      console.log(
        `epoch ${epoch + 1}: loss ${(loss / PICTURES).toFixed(4)}, ${((performance.now() - started) / 1000).toFixed(0)} s`,
      );
    }
    const counts = await Promise.all(
      workers.map((w, k) =>
        ask<HeldCounts>(w, { kind: 'held', frames: held.frames, labels: held.labels, from: k, step: HALVES }),
      ),
    );
    const c = counts.reduce((a, b) => {
      for (const key of Object.keys(a) as (keyof HeldCounts)[]) a[key] += b[key];
      return a;
    });
    const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(2)}%`;
    console.log(
      `held out (${HELD_OUT}): pairs (${c.pairs}) both digits right ${pct(c.both, c.pairs)}, left ${pct(c.left, c.pairs)}, ` +
        `right ${pct(c.right, c.pairs)}, called two ${pct(c.calledTwo, c.pairs)}; single digits (${c.singles}) ` +
        `read right ${pct(c.singleRight, c.singles)}, called one ${pct(c.calledOne, c.singles)}`,
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const bytes = Buffer.from(weights.buffer, 0, weights.byteLength);
  const sha = createHash('sha256').update(bytes).digest('hex');
  const seedNote = SEED === 0 ? '' : `, seed ${SEED}`;
  const source =
    `/**\n` +
    ` * Weights of the pair network (pair-net.ts), little-endian float32 in PAIR_NET_LAYOUT's order, base64. Written by\n` +
    ` * scripts/fit-pair-net.ts (${PICTURES} pictures, ${EPOCHS} epochs${seedNote}); SHA-256 of the bytes ${sha}.\n` +
    ` * Do not edit by hand.\n` +
    ` */\n` +
    `export const PAIR_NET_WEIGHTS: string =\n  '${bytes.toString('base64')}';\n`;
  await writeFile(flags.out, source);
  console.log(`wrote ${flags.out} (weights SHA-256 ${sha}) in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
