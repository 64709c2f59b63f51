import type { Dataset } from '../ml/dataset.js';
import { deskewAll } from '../ml/deskew.js';
import { mulberry32, permutation } from '../ml/rng.js';
import { PEN_KINDS, type PenVariants } from './augment/pen-augmentation.js';
import { sortedIndices } from './fit.js';
import { loadFontDigits } from './font-digits.js';
import { loadMnist, type MnistData } from './mnist-data.js';
import { makePenVariantsThreaded } from './pen-threads.js';
import type { Log, TrainingPlan } from './plan.js';
import { PIXELS } from '../shared/mnist.js';

/** How a run splits the 60,000 training images (seeded): what it fits on and what it holds out. */
export interface RunSplit {
  /** The seeded permutation of the training images; held-out images come first. */
  readonly order: Int32Array;
  /** Training images held out for validation (without a search): the first `holdOut` of `order`. */
  readonly holdOut: number;
  /** The images the final model is fitted on, ascending. */
  readonly trainIdx: Int32Array;
  /** The images each search point is fitted on (with a search), ascending. */
  readonly fitIdx: Int32Array | undefined;
}

/** The data of a run: MNIST (raw and deskewed), the seeded split, printed digits and pen variants. */
export interface RunData extends RunSplit {
  readonly mnist: MnistData;
  readonly deskewed: Dataset;
  readonly fontSet: Awaited<ReturnType<typeof loadFontDigits>> | undefined;
  /** The printed digits, deskewed like every training row. */
  readonly fonts: Dataset | undefined;
  readonly variants: PenVariants | undefined;
}

/**
 * Splits `count` training images with the plan's seed. With a search the final model uses the whole pool and the
 * search validates on the first `search.validationSize` of the order; otherwise the first `validationSize` images
 * are held out and `trainSize` of the rest are fitted on.
 */
export function splitTrainingPool(
  count: number,
  plan: Pick<TrainingPlan, 'seed' | 'search' | 'validationSize' | 'trainSize'>,
): RunSplit {
  const order = permutation(count, mulberry32(plan.seed));
  const holdOut = plan.search ? 0 : plan.validationSize;
  const pool = order.subarray(holdOut);
  const trainIdx = sortedIndices(pool.subarray(0, Math.min(plan.trainSize, pool.length)));
  const fitIdx = plan.search
    ? sortedIndices(order.subarray(plan.search.validationSize, plan.search.validationSize + plan.search.trainSize))
    : undefined;
  return { order, holdOut, trainIdx, fitIdx };
}

/** Loads and verifies MNIST, deskews it, splits it with the seed, and makes the printed digits and pen variants. */
export async function prepareData(plan: TrainingPlan, log: Log): Promise<RunData> {
  const mnist = await loadMnist(plan.source);
  log(
    `MNIST: ${mnist.train.count} training and ${mnist.test.count} test images from ${mnist.source} (SHA-256 verified)`,
  );
  const split = splitTrainingPool(mnist.train.count, plan);
  const fits = split.fitIdx ? [split.trainIdx, split.fitIdx] : [split.trainIdx];
  // The pen variants are drawn from the raw images on worker threads: this thread deskews meanwhile instead of
  // leaving a core idle for the 3 s it takes (the variants do not depend on it).
  const drawing =
    (plan.penVariants ?? 0) > 0 ? penVariantsFor(mnist.train, fits, plan, mnist.checksums, log) : undefined;
  // Without a handler until it is awaited below, a failed drawing would end the process as an unhandled rejection.
  drawing?.catch(() => {});
  const deskewStart = performance.now();
  const deskewed: Dataset = { ...mnist.train, images: await deskewYielding(mnist.train.images, mnist.train.count) };
  log(`deskewed ${deskewed.count} images in ${((performance.now() - deskewStart) / 1000).toFixed(1)}s`);
  const fontSet = plan.fontDigits ? await loadFontDigits() : undefined;
  const fonts = fontSet ? { ...fontSet.data, images: deskewAll(fontSet.data.images, fontSet.data.count) } : undefined;
  if (fonts) log(`printed digits: ${fonts.count} from data/font-digits (SHA-256 verified)`);
  const variants = await drawing;
  return { mnist, deskewed, ...split, fontSet, fonts, variants };
}

/** Images deskewed per chunk of this many (about 50 ms), the event loop served between chunks. */
const DESKEW_CHUNK = 1000;

/**
 * deskewAll, a chunk at a time with the event loop served in between: the pen variants' drawing, started just
 * before, reads its cache and starts its threads through the event loop, so one long deskew would hold them back.
 */
async function deskewYielding(images: Uint8Array, count: number): Promise<Uint8Array> {
  const out = new Uint8Array(count * PIXELS);
  for (let start = 0; start < count; start += DESKEW_CHUNK) {
    const end = Math.min(count, start + DESKEW_CHUNK);
    out.set(deskewAll(images.subarray(start * PIXELS, end * PIXELS), end - start), start * PIXELS);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return out;
}

/** Makes the pen variants once, from images some fit will train on (never a validation image). */
async function penVariantsFor(
  raw: Dataset,
  fits: readonly Int32Array[],
  plan: TrainingPlan,
  dataChecksums: Readonly<Record<string, string>>,
  log: Log,
): Promise<PenVariants> {
  const candidates = sortedIndices(Int32Array.from(new Set(fits.flatMap((f) => Array.from(f)))));
  const started = performance.now();
  let last = started;
  const variants = await makePenVariantsThreaded(
    raw,
    candidates,
    plan.penVariants ?? 0,
    plan.seed + 1,
    plan.threads,
    (done, total) => {
      if (performance.now() - last < 5000) return;
      last = performance.now();
      log(`[pen variants ${((last - started) / 1000).toFixed(0).padStart(4)}s] ${done} of ${total} drawn`);
    },
    plan.penCacheDir ? { dir: plan.penCacheDir, dataChecksums } : undefined,
  );
  const perPen = PEN_KINDS.map((kind, index) => `${variants.kinds.filter((k) => k === index).length} ${kind}`).join(
    ', ',
  );
  const how = variants.fromCache ? `read from the cache in ${plan.penCacheDir}` : 'drawn';
  log(
    `pen variants: ${variants.data.count} (${perPen}; ${variants.skipped} left no ink) ${how} in ${((performance.now() - started) / 1000).toFixed(1)}s`,
  );
  return variants;
}
