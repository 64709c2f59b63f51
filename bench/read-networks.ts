/**
 * Time of the number reader's small networks, each on its own, with the WebAssembly engine the server uses: the pair
 * network on each of the first `--digits` MNIST test digits framed alone (pair-frame.ts frameInk: a single digit, the
 * frame the reader asks about most, a wide piece of a spaced number) and the one-digit check on the same digits
 * (deskewed, with the model's ten first-stage decision values). Each figure is the median over `--rounds` rounds of the
 * mean time per call. Also the whole read of the forty six-digit 600x150 pictures bench:read times, over the same
 * rounds: run it on two builds in turn to compare them.
 *
 *   npm run bench:read-networks            (tsx bench/read-networks.ts)
 *   options: --digits <n> (200), --rounds <n> (20), --model <path>
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { areaResample } from '../src/image/resample.js';
import { deskew } from '../src/ml/deskew.js';
import { createModelEngine } from '../src/node/kernel-wasm.js';
import { loadModelFile } from '../src/node/model-file.js';
import { nativeInflate } from '../src/server/node/native-inflate.js';
import { readImage } from '../src/read/index.js';
import { oneDigitLogit, oneDigitNet, SHAPE_FEATURES } from '../src/read/one-digit.js';
import { frameInk } from '../src/read/pair-frame.js';
import { readPairFrame } from '../src/read/pair-net.js';
import { loadMnist } from '../src/training/mnist-data.js';
import { layNumber } from './read-compose.js';
import { paint, seeded, toPng } from './robustness-render.js';

const { values } = parseArgs({
  options: {
    digits: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '20' },
    model: { type: 'string' },
  },
});
const digits = Number(values.digits);
const rounds = Number(values.rounds);

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
};

/** Median over the rounds of the mean milliseconds per call of `each` over `items`. */
function time<T>(items: readonly T[], each: (item: T) => unknown): number {
  const means: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (const item of items) each(item);
    means.push((performance.now() - start) / items.length);
  }
  return median(means);
}

const { model } = await loadModelFile(values.model);
const engine = await createModelEngine(model);
const { test } = await loadMnist();

const images = Array.from({ length: digits }, (_, k) => test.images.subarray(k * 784, (k + 1) * 784));
const frames = images.flatMap(
  (image) =>
    frameInk(
      Float32Array.from(image, (v) => v / 255),
      28,
      28,
    ) ?? [],
);
const deskewed = images.map((image) => {
  const out = new Uint8Array(784);
  deskew(image, out);
  return out;
});
const scores = new Float64Array(digits * 10);
engine.decisionValues(Uint8Array.from(deskewed.flatMap((d) => [...d])), digits, scores);
const shape = new Float32Array(SHAPE_FEATURES).fill(0.5);
const checks = deskewed.map((d, k) => ({ d, s: scores.subarray(k * 10, k * 10 + 10) }));

// The six-digit pictures of bench:read (its seed, its composition, digits 5000-9999), each read once a round.
const random = seeded(6);
const six = Array.from({ length: 40 }, () => {
  const ink = layNumber(
    Array.from({ length: 6 }, () => {
      const k = 5000 + Math.floor(random() * 5000);
      return test.images.subarray(k * 784, (k + 1) * 784);
    }),
    random,
  );
  const fit = areaResample(ink, { x: 0, y: 0, width: ink.width, height: ink.height }, 600, 150);
  return toPng(paint(fit, { paper: [255, 255, 255], ink: [25, 25, 35] }), 600, 150);
});

// A round of each to warm up, not counted.
time(frames.slice(0, 20), (f) => readPairFrame(f, engine));
const pair = time(frames, (f) => readPairFrame(f, engine));
const check = time(checks, ({ d, s }) => oneDigitLogit(oneDigitNet(), d, s, shape));
const read = time(six, (file) => readImage(file, model, engine, { inflate: nativeInflate }));

console.log(`bench:read-networks - ${cpus()[0]?.model.trim() ?? ''}, ${new Date().toISOString()}, ${rounds} rounds`);
console.log(`pair network, ${frames.length} single digits framed: ${pair.toFixed(3)} ms a frame`);
console.log(`one-digit check, ${checks.length} digits: ${check.toFixed(4)} ms a call`);
console.log(`six-digit 600x150 pictures, 40 read each round: ${read.toFixed(2)} ms a picture (mean per round)`);
