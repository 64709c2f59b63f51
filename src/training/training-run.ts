import os from 'node:os';
import type { ModelEngine } from '../ml/engine/types.js';
import { decisionValues } from '../ml/predict.js';
import { createModelEngine, type EngineChoice } from '../node/kernel-wasm.js';
import { fitTemperature } from '../ml/calibration.js';
import { concatRows, selectRows, type Dataset } from '../ml/dataset.js';
import { deskewAll } from '../ml/deskew.js';
import { evaluateModel, scorePredictions } from '../ml/evaluate.js';
import { scaleGamma, type PolyKernel } from '../ml/kernel.js';
import { assembleModel, withModelRecords, type ModelEvaluation, type SvmModel } from '../ml/model.js';
import { mulberry32, permutation } from '../ml/rng.js';
import type { ClassSolution } from '../ml/ovr.js';
import { SHIFTS_4, SHIFTS_8, supportVectorRows, withVirtualSupportVectors } from '../ml/virtual-sv.js';
import { loadFontDigits } from './font-digits.js';
import { loadMnist, type MnistSource } from './mnist-data.js';
import { PEN_KINDS, PEN_MIX, withPenVariants, type PenVariants } from './augment/pen-augmentation.js';
import { makePenVariantsThreaded } from './pen-threads.js';
import { trainOneVsRestThreaded, type TrainEvent } from './train-threads.js';

/** A gamma given as a number, or as a multiple of sklearn's "scale" rule. */
export type GammaSpec =
  { readonly kind: 'value'; readonly value: number } | { readonly kind: 'scale'; readonly multiplier: number };

/** Everything a training run needs: data source, sizes, hyperparameters, threads, cache, optional grid search. */
export interface TrainingPlan {
  readonly source: MnistSource;
  /** Training images drawn (seeded) from the 60k; all of them by default. */
  readonly trainSize: number;
  /** Images held out of training for validation (without a search); 0 = none. */
  readonly validationSize: number;
  readonly C: number;
  readonly gamma: GammaSpec;
  readonly coef0: number;
  readonly degree: number;
  readonly tolerance: number;
  readonly shrinking: boolean;
  readonly seed: number;
  readonly threads: number;
  readonly cacheBytes: number;
  readonly evaluateTest: boolean;
  /**
   * Training digits redrawn with other pens (thicker, thinner, fine) and added to training; see pen-augmentation.
   * Default 0 (none); the CLI's default (DEFAULT_PEN_VARIANTS) is how the shipped model was trained.
   */
  readonly penVariants?: number;
  readonly search?: SearchPlan;
  /**
   * Virtual support vectors: 0 (none), 4 or 8 one-pixel moves of the first model's support vectors, trained on
   * in a second stage (see virtual-sv.ts). Default 0; the CLI's default is how the shipped model was trained.
   */
  readonly virtualShifts?: 0 | 4 | 8;
  /** At most this many support vectors are moved (those of largest |alpha|; all are kept); absent: all of them. */
  readonly virtualSources?: number;
  /**
   * Add the committed printed-digit set (data/font-digits, typefaces the printed-digits bench does not use) to every
   * training set. Default false; the CLI's default is how the shipped model was trained.
   */
  readonly fontDigits?: boolean;
  /**
   * The confidence temperature to record when this run holds no images out to fit one (a --validation or --search
   * run fits its own): the value a validation run of the same configuration fitted, and what it was fitted on.
   */
  readonly temperature?: { readonly temperature: number; readonly fittedOn: string };
  /** Where drawn pen variants are cached between runs (see pen-cache.ts); absent or null: always draw. */
  readonly penCacheDir?: string | null;
  /** Kernel engine for training rows and evaluation: WebAssembly SIMD where it runs (`auto`, the default) or JS. */
  readonly engine?: EngineChoice;
  readonly command: string;
}

/** A grid search on a held-out validation split of the training set (never the test set). */
export interface SearchPlan {
  readonly Cs: readonly number[];
  readonly gammaMultipliers: readonly number[];
  readonly coef0s: readonly number[];
  /** Training images per grid point, drawn from the images not held out. */
  readonly trainSize: number;
  readonly validationSize: number;
}

/** One grid point of a search: its hyperparameters and validation accuracy. */
export interface SearchResult {
  readonly C: number;
  readonly gammaMultiplier: number;
  readonly gamma: number;
  readonly coef0: number;
  readonly validationAccuracy: number;
  readonly supportVectors: number;
  readonly seconds: number;
}

/** What {@link runTraining} returns: the model plus validation, search results and resource use. */
export interface TrainingReport {
  readonly model: SvmModel;
  readonly validation: ModelEvaluation | null;
  readonly search: readonly SearchResult[] | null;
  readonly peakRssMB: number;
  readonly cachedRows: number;
  /** Kernel rows the final fit's solvers asked for, and how many had to be computed (the rest were cache hits). */
  readonly rowRequests: number;
  readonly rowsComputed: number;
}

/** Receives one progress line at a time (the CLI writes them to stderr). */
export type Log = (line: string) => void;

function peakRssMB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function machineDescription(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.availableParallelism()} x ${cpu.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}

function sortedIndices(indices: Int32Array): Int32Array {
  return Int32Array.from(indices).sort();
}

/** Trains one model on `train` (already deskewed) and returns it with its run statistics. */
async function fitOnce(
  set: TrainingSet,
  kernel: PolyKernel,
  plan: TrainingPlan,
  C: number,
  log: Log,
  label: string,
): Promise<{
  model: SvmModel;
  solutions: ClassSolution[];
  seconds: number;
  cachedRows: number;
  rowRequests: number;
  rowsComputed: number;
}> {
  const train = set.data;
  const started = performance.now();
  let lastLine = 0;
  let cachedRows = 0;
  let rowRequests = 0;
  let rowsComputed = 0;
  /** The shared cache's fill, when there is one (by default each thread has its own LRU instead). */
  const shared = (rows: number): string => (rows > 0 ? `${rows} kernel rows in the shared cache; ` : '');
  const onEvent = (event: TrainEvent): void => {
    cachedRows = event.cachedRows;
    if (event.type === 'class-done') {
      rowRequests += event.rowRequests;
      rowsComputed += event.rowsComputed;
    }
    const elapsed = (performance.now() - started) / 1000;
    if (event.type === 'class-done') {
      const s = event.solution;
      const eta = (elapsed / event.done) * (10 - event.done);
      log(
        `[${label} ${elapsed.toFixed(0).padStart(4)}s] digit ${s.digit} done: ${s.iterations} iterations, ` +
          `${s.indices.length} support vectors, ${s.seconds.toFixed(1)}s; ${event.done}/10 classes; ` +
          `${shared(event.cachedRows)}ETA ${event.done === 10 ? 0 : eta.toFixed(0)}s`,
      );
    } else if (performance.now() - lastLine > 5000) {
      lastLine = performance.now();
      log(
        `[${label} ${elapsed.toFixed(0).padStart(4)}s] digit ${event.digit}: ${event.iterations} iterations, ` +
          `active ${event.activeSize}, KKT gap ${event.gap.toFixed(4)}${shared(event.cachedRows).replace(/^/, '; ').replace(/; $/, '')}`,
      );
    }
  };
  const solutions = await trainOneVsRestThreaded(train.images, train.labels, {
    kernel,
    C,
    tolerance: plan.tolerance,
    shrinking: plan.shrinking,
    threads: plan.threads,
    cacheBytes: plan.cacheBytes,
    ...(plan.engine === undefined ? {} : { backend: plan.engine }),
    onEvent,
  });
  const seconds = (performance.now() - started) / 1000;
  const unconverged = solutions.filter((s) => !s.converged).map((s) => s.digit);
  if (unconverged.length > 0)
    log(`warning: digits ${unconverged.join(', ')} hit the iteration limit before the KKT tolerance`);
  const model = assembleModel({
    solutions,
    images: train.images,
    kernel,
    deskew: true,
    training: {
      C,
      tolerance: plan.tolerance,
      shrinking: plan.shrinking,
      gammaRule: plan.gamma.kind === 'scale' ? `scale x ${plan.gamma.multiplier}` : 'fixed',
      seed: plan.seed,
      trainSize: set.mnistRows,
      ...(set.penVariants.count > 0 ? { penVariants: set.penVariants } : {}),
      iterations: solutions.map((s) => s.iterations),
      supportVectorsPerClass: solutions.map((s) => s.indices.length),
      seconds,
      peakRssMB: peakRssMB(),
      threads: plan.threads,
      machine: machineDescription(),
      command: plan.command,
      trainedAt: new Date().toISOString(),
      dataChecksums: {},
    },
  });
  return { model, solutions, seconds, cachedRows, rowRequests, rowsComputed };
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

/** One fit of a multi-stage training run, as the model records it. */
type TrainingStage = NonNullable<SvmModel['training']['stages']>[number];

/** Rows to train on: MNIST images, then pen variants of some of them. */
interface TrainingSet {
  readonly data: Dataset;
  /** MNIST images the rows come from (the rest of the rows are variants of them). */
  readonly mnistRows: number;
  /** What the variants among the rows are (their count is 0 without augmentation), as the model records them. */
  readonly penVariants: NonNullable<SvmModel['training']['penVariants']>;
}

function trainingSet(
  deskewed: Dataset,
  indices: Int32Array,
  variants: PenVariants | undefined,
  fonts: Dataset | undefined,
): TrainingSet {
  const { data: withPens, counts } = withPenVariants(deskewed, indices, variants);
  const data = fonts ? concatRows(withPens, fonts) : withPens;
  const range = (kind: keyof typeof PEN_MIX): [number, number] => [...PEN_MIX[kind].range];
  return {
    data,
    mnistRows: indices.length,
    penVariants: {
      count: counts.thicker + counts.thinner + counts.fine,
      ...counts,
      radius: range('thicker'),
      level: range('thinner'),
      width: range('fine'),
    },
  };
}

function resolveGamma(spec: GammaSpec, deskewed: Uint8Array): number {
  return spec.kind === 'value' ? spec.value : scaleGamma(deskewed, 784) * spec.multiplier;
}

async function validationScores(model: SvmModel, data: Dataset, plan: TrainingPlan): Promise<number[][]> {
  const engine = await createModelEngine(model, plan.engine);
  const scores: number[][] = [];
  for (let k = 0; k < data.count; k++)
    scores.push(decisionValues(model, data.images.subarray(k * 784, (k + 1) * 784), engine));
  return scores;
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let c = 1; c < values.length; c++) if ((values[c] as number) > (values[best] as number)) best = c;
  return best;
}

/**
 * The whole training pipeline: load and verify MNIST, deskew, split (seeded), optionally grid-search on a
 * validation split, train the final model on all threads, fit the confidence temperature on held-out data, and
 * evaluate on the test set.
 */
export async function runTraining(plan: TrainingPlan, log: Log): Promise<TrainingReport> {
  const mnist = await loadMnist(plan.source);
  log(
    `MNIST: ${mnist.train.count} training and ${mnist.test.count} test images from ${mnist.source} (SHA-256 verified)`,
  );
  const deskewStart = performance.now();
  const allTrain: Dataset = { ...mnist.train, images: deskewAll(mnist.train.images, mnist.train.count) };
  log(`deskewed ${allTrain.count} images in ${((performance.now() - deskewStart) / 1000).toFixed(1)}s`);
  const order = permutation(allTrain.count, mulberry32(plan.seed));

  let C = plan.C;
  let gamma = plan.gamma;
  let coef0 = plan.coef0;
  let calibration: { temperature: number; fittedOn: string } | undefined;
  let searchResults: SearchResult[] | null = null;
  let validation: ModelEvaluation | null = null;

  // With a search the final model uses the whole training pool; otherwise `validationSize` images are held out.
  const holdOut = plan.search ? 0 : plan.validationSize;
  const pool = order.subarray(holdOut);
  const trainIdx = sortedIndices(pool.subarray(0, Math.min(plan.trainSize, pool.length)));
  const fitIdx = plan.search
    ? sortedIndices(order.subarray(plan.search.validationSize, plan.search.validationSize + plan.search.trainSize))
    : undefined;
  const fontSet = plan.fontDigits ? await loadFontDigits() : undefined;
  const fonts = fontSet ? { ...fontSet.data, images: deskewAll(fontSet.data.images, fontSet.data.count) } : undefined;
  if (fonts) log(`printed digits: ${fonts.count} from data/font-digits (SHA-256 verified)`);
  const variants =
    (plan.penVariants ?? 0) > 0
      ? await penVariantsFor(mnist.train, fitIdx ? [trainIdx, fitIdx] : [trainIdx], plan, mnist.checksums, log)
      : undefined;

  if (plan.search && fitIdx) {
    const s = plan.search;
    const valIdx = sortedIndices(order.subarray(0, s.validationSize));
    const fit = trainingSet(allTrain, fitIdx, variants, fonts);
    const val = selectRows(mnist.train, valIdx); // raw: the model deskews what it predicts
    // MNIST rows come first in the fit set; gamma is taken from them alone, as for the final model.
    const base = scaleGamma(fit.data.images.subarray(0, fit.mnistRows * 784), 784);
    searchResults = [];
    let bestScores: number[][] = [];
    for (const c of s.Cs) {
      for (const m of s.gammaMultipliers) {
        for (const c0 of s.coef0s) {
          const kernel: PolyKernel = { type: 'poly', degree: plan.degree, gamma: base * m, coef0: c0 };
          const label = `search C=${c} gamma=scale*${m} coef0=${c0}`;
          const run = await fitOnce(fit, kernel, plan, c, () => {}, label);
          const scores = await validationScores(run.model, val, plan);
          const acc = scorePredictions(scores.map(argmax), val.labels, 'validation').accuracy;
          const result: SearchResult = {
            C: c,
            gammaMultiplier: m,
            gamma: kernel.gamma,
            coef0: c0,
            validationAccuracy: acc,
            supportVectors: run.model.supportVectorCount,
            seconds: run.seconds,
          };
          searchResults.push(result);
          log(
            `[${label}] validation accuracy ${(acc * 100).toFixed(2)}% (${val.count} images), ${run.model.supportVectorCount} SVs, ${run.seconds.toFixed(0)}s`,
          );
          const best = searchResults.reduce((a, b) => (b.validationAccuracy > a.validationAccuracy ? b : a));
          if (best === result) bestScores = scores;
        }
      }
    }
    const best = searchResults.reduce((a, b) => (b.validationAccuracy > a.validationAccuracy ? b : a));
    C = best.C;
    gamma = { kind: 'scale', multiplier: best.gammaMultiplier };
    coef0 = best.coef0;
    calibration = {
      temperature: fitTemperature(bestScores, val.labels),
      fittedOn: `validation split of ${val.count} training images (search winner)`,
    };
    log(
      `search winner: C=${C} gamma=scale*${best.gammaMultiplier} coef0=${coef0}; temperature ${calibration.temperature.toFixed(4)}`,
    );
  }

  const train = trainingSet(allTrain, trainIdx, variants, fonts);
  const mnistRows = train.mnistRows;
  // The "scale" gamma comes from the MNIST images alone, so adding variants does not move it.
  const kernel: PolyKernel = {
    type: 'poly',
    degree: plan.degree,
    gamma: resolveGamma(gamma, train.data.images.subarray(0, mnistRows * 784)),
    coef0,
  };
  log(
    `training ${mnistRows} images + ${train.penVariants.count} pen variants${fonts ? ` + ${fonts.count} printed digits` : ''}: C=${C}, degree ${kernel.degree}, ` +
      `gamma ${kernel.gamma.toPrecision(6)}, coef0 ${coef0}, ${plan.threads} threads`,
  );
  const val = holdOut > 0 ? selectRows(mnist.train, sortedIndices(order.subarray(0, holdOut))) : null; // raw: the model deskews
  const stages: TrainingStage[] = [];
  /** Fits one stage on `set` and, with a validation split, scores it there. */
  const runStage = async (
    set: TrainingSet,
    name: string,
    label: string,
  ): Promise<{ run: Awaited<ReturnType<typeof fitOnce>>; scores: number[][] | null }> => {
    const run = await fitOnce(set, kernel, { ...plan, gamma }, C, log, label);
    const scores = val ? await validationScores(run.model, val, plan) : null;
    const accuracy = val && scores ? scorePredictions(scores.map(argmax), val.labels, 'validation').accuracy : null;
    if (accuracy !== null)
      log(
        `[${label}] validation accuracy ${(accuracy * 100).toFixed(2)}%, ${run.model.supportVectorCount} support vectors`,
      );
    stages.push({
      name,
      rows: set.data.count,
      supportVectors: run.model.supportVectorCount,
      validationAccuracy: accuracy,
      seconds: run.seconds,
    });
    return { run, scores };
  };
  let last = await runStage(train, 'MNIST + variants', 'train');
  const shifts = plan.virtualShifts === 8 ? SHIFTS_8 : plan.virtualShifts === 4 ? SHIFTS_4 : null;
  let virtualSupportVectors: SvmModel['training']['virtualSupportVectors'];
  if (shifts) {
    const all = supportVectorRows(last.run.solutions);
    const sources =
      plan.virtualSources === undefined ? all : supportVectorRows(last.run.solutions, plan.virtualSources);
    const data = withVirtualSupportVectors(train.data, all, shifts, sources);
    virtualSupportVectors = { shifts: shifts.length, sources: sources.length, rows: data.count };
    log(
      `virtual support vectors: the ${all.length} support vectors and ${shifts.length} one-pixel moves of ${sources.length} of them, ${data.count} rows`,
    );
    last = await runStage(
      { ...train, data },
      `support vectors + ${shifts.length} one-pixel moves of ${sources.length === all.length ? 'each' : `${sources.length} of them`}`,
      'vsv',
    );
  }
  const final = last.run;
  let model = withTraining(final.model, {
    ...final.model.training,
    seconds: stages.reduce((sum, stage) => sum + stage.seconds, 0),
    ...(stages.length > 1 ? { stages } : {}),
    ...(virtualSupportVectors ? { virtualSupportVectors } : {}),
  });
  if (val && last.scores) {
    validation = scorePredictions(
      last.scores.map(argmax),
      val.labels,
      `validation (${val.count} held-out training images)`,
    );
    calibration = {
      temperature: fitTemperature(last.scores, val.labels),
      fittedOn: `validation split of ${val.count} training images`,
    };
    log(`validation accuracy ${(validation.accuracy * 100).toFixed(2)}%`);
  }
  if (calibration === undefined && plan.temperature) {
    calibration = { ...plan.temperature };
    log(
      `confidences: temperature ${plan.temperature.temperature} (${plan.temperature.fittedOn}); --validation N fits one on held-out images`,
    );
  } else if (calibration === undefined) {
    log('note: confidences are not calibrated (temperature 1): no held-out data; add --validation N or --search');
  }
  let evaluation: ModelEvaluation | null = null;
  if (plan.evaluateTest) {
    const t = performance.now();
    const engine: ModelEngine = await createModelEngine(model, plan.engine);
    evaluation = evaluateModel(model, mnist.test.images, mnist.test.labels, 'MNIST test set (10,000 images)', engine);
    log(
      `test accuracy ${(evaluation.accuracy * 100).toFixed(2)}% (${((performance.now() - t) / mnist.test.count).toFixed(2)} ms per image)`,
    );
  }
  model = withModelRecords(model, {
    evaluation,
    ...(calibration ? { calibration } : {}),
    ...(searchResults && plan.search
      ? {
          search: {
            validationSize: plan.search.validationSize,
            trainSize: plan.search.trainSize,
            results: searchResults,
          },
        }
      : {}),
  });
  const training = {
    ...model.training,
    ...(fonts ? { fontDigits: fonts.count } : {}),
    dataChecksums: { ...mnist.checksums, ...fontSet?.checksums },
    peakRssMB: peakRssMB(),
  };
  model = withTraining(model, training);
  return {
    model,
    validation,
    search: searchResults,
    peakRssMB: peakRssMB(),
    cachedRows: final.cachedRows,
    rowRequests: final.rowRequests,
    rowsComputed: final.rowsComputed,
  };
}

function withTraining(model: SvmModel, training: SvmModel['training']): SvmModel {
  return { ...model, training, info: { ...model.info } };
}
