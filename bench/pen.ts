/**
 * Pen-variant drawing benchmark: draws the shipped plan's pen variants (planPenVariants over the default training
 * split, the shipped count and seed, as `npm run train` does on a fresh machine, without the cache) and reports the
 * wall time and a SHA-256 of every drawn byte followed by every ok flag. A faster drawing counts only when the hash
 * is unchanged: the variants, and so the shipped model, must stay byte-identical.
 *
 *   npm run bench:pen                     (tsx bench/pen.ts)
 *   options: --threads <n> (default 2; 1 draws on the main thread), --limit <n> (an evenly spaced sample of n variants)
 */
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { drawPenVariants, planPenVariants } from '../src/training/augment/pen-augmentation.js';
import type { PenVariant } from '../src/training/augment/pen-variants.js';
import { resolveTrainingPlan } from '../src/training/defaults.js';
import { loadMnist } from '../src/training/mnist-data.js';
import type { PenWorkerData, PenWorkerMessage } from '../src/training/pen-worker.js';
import { splitTrainingPool } from '../src/training/run-data.js';
import { runWorkers } from '../src/node/spawn-worker.js';
import { selectRows } from '../src/ml/dataset.js';
import { PIXELS } from '../src/shared/mnist.js';

const { values } = parseArgs({
  options: { threads: { type: 'string', default: '2' }, limit: { type: 'string' } },
});
const threads = Number(values.threads);
const settings = resolveTrainingPlan();
const mnist = await loadMnist(settings.source);
const split = splitTrainingPool(mnist.train.count, settings);
// As run-data's penVariantsFor: the images some fit trains on, the shipped count, the run's seed + 1.
const fits = split.fitIdx ? [split.trainIdx, split.fitIdx] : [split.trainIdx];
const candidates = Int32Array.from(new Set(fits.flatMap((f) => Array.from(f)))).sort();
const full = planPenVariants(candidates, settings.penVariants ?? 0, settings.seed + 1);
const n = values.limit === undefined ? full.sources.length : Math.min(full.sources.length, Number(values.limit));
// An evenly spaced sample of the plan, so every pen keeps its share (the plan lists the pens in blocks).
const picked = Int32Array.from({ length: n }, (_, k) => Math.floor((k * full.sources.length) / n));
const plan = {
  sources: Int32Array.from(picked, (k) => full.sources[k] as number),
  pens: Array.from(picked, (k) => full.pens[k] as PenVariant),
};
const shared = (bytes: number): Uint8Array => new Uint8Array(new SharedArrayBuffer(Math.max(1, bytes)));
const images = shared(n * PIXELS);
images.set(selectRows(mnist.train, plan.sources).images);
const out = shared(n * PIXELS);
const ok = shared(n);

const started = performance.now();
if (threads <= 1) drawPenVariants(images, plan, 0, n, out, ok);
else {
  const workerData: PenWorkerData = {
    images,
    plan,
    out,
    ok,
    next: new Int32Array(new SharedArrayBuffer(4)),
    chunk: 250,
  };
  const beside = new URL('../src/training/pen-threads.ts', import.meta.url).href;
  await runWorkers<PenWorkerMessage>('pen-worker', beside, threads, { workerData }, () => {}, 'pen-variant thread');
}
const seconds = (performance.now() - started) / 1000;
const hash = createHash('sha256').update(out).update(ok).digest('hex');
let drawn = 0;
for (const flag of ok) drawn += flag;
console.log(
  `${n} variants (${drawn} drawn, ${n - drawn} left no ink) on ${threads} thread(s) in ${seconds.toFixed(2)} s` +
    ` (${((seconds * 1000 * Math.max(1, threads)) / n).toFixed(3)} ms each per thread); ${cpus()[0]?.model ?? ''}, Node ${process.version}`,
);
console.log(`sha256 ${hash}`);
