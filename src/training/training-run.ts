import { fitTemperature } from '../ml/calibration.js';
import { selectRows, type Dataset } from '../ml/dataset.js';
import { deskewAll } from '../ml/deskew.js';
import type { ModelEngine } from '../ml/engine/types.js';
import { evaluateModel, scorePredictions } from '../ml/evaluate.js';
import type { PolyKernel } from '../ml/kernel.js';
import { withModelRecords, type ModelEvaluation, type SvmModel } from '../ml/model.js';
import { mulberry32, permutation } from '../ml/rng.js';
import { shareShiftedSupportVectors } from '../ml/second-stage.js';
import { readsSecondStage } from '../ml/routing.js';
import { SHIFTS_4, SHIFTS_8, supportVectorRows, withVirtualSupportVectors, type PixelShift } from '../ml/virtual-sv.js';
import { createModelEngine } from '../node/kernel-wasm.js';
import { PIXELS } from '../shared/mnist.js';
import { PEN_KINDS, type PenVariants } from './augment/pen-augmentation.js';
import {
  argmax,
  fitOnce,
  peakRssMB,
  resolveGamma,
  sortedIndices,
  trainingSet,
  validationScores,
  type TrainingSet,
  type TrainingStage,
} from './fit.js';
import { loadFontDigits } from './font-digits.js';
import { runGridSearch, type SearchOutcome } from './grid-search.js';
import { chooseGap, scoreGaps, secondStageTemperature } from './second-stage-fit.js';
import { loadMnist, type MnistData } from './mnist-data.js';
import { makePenVariantsThreaded } from './pen-threads.js';
import type { GammaSpec, Log, SearchResult, TrainingPlan, TrainingReport } from './plan.js';

export type { GammaSpec, Log, SearchPlan, SearchResult, TrainingPlan, TrainingReport } from './plan.js';

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

/** The data of a run: MNIST (raw and deskewed), the seeded split, printed digits and pen variants. */
interface RunData {
  readonly mnist: MnistData;
  readonly deskewed: Dataset;
  readonly order: Int32Array;
  /** Training images held out for validation (without a search). */
  readonly holdOut: number;
  readonly trainIdx: Int32Array;
  /** The images each search point is fitted on (with a search). */
  readonly fitIdx: Int32Array | undefined;
  readonly fontSet: Awaited<ReturnType<typeof loadFontDigits>> | undefined;
  readonly fonts: Dataset | undefined;
  readonly variants: PenVariants | undefined;
}

/** Loads and verifies MNIST, deskews it, splits it with the seed, and makes the printed digits and pen variants. */
async function prepareData(plan: TrainingPlan, log: Log): Promise<RunData> {
  const mnist = await loadMnist(plan.source);
  log(
    `MNIST: ${mnist.train.count} training and ${mnist.test.count} test images from ${mnist.source} (SHA-256 verified)`,
  );
  const deskewStart = performance.now();
  const deskewed: Dataset = { ...mnist.train, images: deskewAll(mnist.train.images, mnist.train.count) };
  log(`deskewed ${deskewed.count} images in ${((performance.now() - deskewStart) / 1000).toFixed(1)}s`);
  const order = permutation(deskewed.count, mulberry32(plan.seed));
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
  return { mnist, deskewed, order, holdOut, trainIdx, fitIdx, fontSet, fonts, variants };
}

type Fit = Awaited<ReturnType<typeof fitOnce>>;

/**
 * Fits the final model: on the training set, then (with virtual support vectors) on its support vectors and their
 * one-pixel moves. Each stage is scored on `val` when there is one.
 */
async function fitStages(
  plan: TrainingPlan,
  train: TrainingSet,
  kernel: PolyKernel,
  hyper: { readonly C: number; readonly gamma: GammaSpec },
  val: Dataset | null,
  log: Log,
): Promise<{
  first: { run: Fit; scores: number[][] | null };
  final: Fit;
  scores: number[][] | null;
  stages: TrainingStage[];
  shifts: readonly PixelShift[] | null;
  virtualSupportVectors: SvmModel['training']['virtualSupportVectors'];
}> {
  const stages: TrainingStage[] = [];
  const runStage = async (set: TrainingSet, name: string, label: string, C = hyper.C) => {
    const run = await fitOnce(set, kernel, { ...plan, gamma: hyper.gamma }, C, log, label);
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
  const first = await runStage(train, 'MNIST + variants', 'train');
  let last = first;
  const shifts = plan.virtualShifts === 8 ? SHIFTS_8 : plan.virtualShifts === 4 ? SHIFTS_4 : null;
  let virtualSupportVectors: SvmModel['training']['virtualSupportVectors'];
  if (shifts) {
    const all = supportVectorRows(last.run.solutions);
    const sources =
      plan.virtualSources === undefined ? all : supportVectorRows(last.run.solutions, plan.virtualSources);
    const data = withVirtualSupportVectors(train.data, all, shifts, sources);
    virtualSupportVectors = {
      shifts: shifts.length,
      sources: sources.length,
      rows: data.count,
      ...(plan.virtualC === undefined ? {} : { C: plan.virtualC }),
    };
    log(
      `virtual support vectors: the ${all.length} support vectors and ${shifts.length} one-pixel moves of ${sources.length} of them, ${data.count} rows`,
    );
    last = await runStage(
      { ...train, data },
      `support vectors + ${shifts.length} one-pixel moves of ${sources.length === all.length ? 'each' : `${sources.length} of them`}`,
      'vsv',
      plan.virtualC,
    );
  }
  return { first, final: last.run, scores: last.scores, stages, shifts, virtualSupportVectors };
}

/**
 * The whole training pipeline: load and verify MNIST, deskew, split (seeded), optionally grid-search on a
 * validation split, train the final model on all threads, fit the confidence temperature on held-out data, and
 * evaluate on the test set.
 */
export async function runTraining(plan: TrainingPlan, log: Log): Promise<TrainingReport> {
  const data = await prepareData(plan, log);
  const { mnist, fonts, fontSet } = data;
  const search: SearchOutcome | undefined =
    plan.search && data.fitIdx
      ? await runGridSearch(
          plan,
          {
            deskewed: data.deskewed,
            raw: mnist.train,
            order: data.order,
            fitIdx: data.fitIdx,
            variants: data.variants,
            fonts,
          },
          log,
        )
      : undefined;
  const C = search?.C ?? plan.C;
  const gamma = search?.gamma ?? plan.gamma;
  const coef0 = search?.coef0 ?? plan.coef0;

  const train = trainingSet(data.deskewed, data.trainIdx, data.variants, fonts);
  const mnistRows = train.mnistRows;
  // The "scale" gamma comes from the MNIST images alone, so adding variants does not move it.
  const kernel: PolyKernel = {
    type: 'poly',
    degree: plan.degree,
    gamma: resolveGamma(gamma, train.data.images.subarray(0, mnistRows * PIXELS)),
    coef0,
  };
  log(
    `training ${mnistRows} images + ${train.penVariants.count} pen variants${fonts ? ` + ${fonts.count} printed digits` : ''}: C=${C}, degree ${kernel.degree}, ` +
      `gamma ${kernel.gamma.toPrecision(6)}, coef0 ${coef0}, ${plan.threads} threads`,
  );
  const val = data.holdOut > 0 ? selectRows(mnist.train, sortedIndices(data.order.subarray(0, data.holdOut))) : null; // raw: the model deskews
  const fitted = await fitStages(plan, train, kernel, { C, gamma }, val, log);
  const { final, stages, virtualSupportVectors } = fitted;
  const twoStage = plan.secondStage !== undefined && fitted.shifts !== null;
  // A two-stage model is the first fit with the last one as its second stage, so it is scored like the first.
  const scores = twoStage ? fitted.first.scores : fitted.scores;
  let model = withTraining(twoStage ? fitted.first.run.model : final.model, {
    ...final.model.training,
    // The first fit's C; a second fit with its own C (--virtual-C) records it under virtualSupportVectors.
    C,
    seconds: stages.reduce((sum, stage) => sum + stage.seconds, 0),
    ...(stages.length > 1 ? { stages } : {}),
    ...(virtualSupportVectors ? { virtualSupportVectors } : {}),
  });
  if (twoStage && plan.secondStage && fitted.shifts) {
    model = withSecondStage(model, final.model, fitted.shifts, plan.secondStage, val, fitted, log);
  }

  let validation: ModelEvaluation | null = null;
  let calibration = search?.calibration;
  if (val && scores) {
    validation = scorePredictions(
      twoStage && model.secondStage
        ? scores.map((s, k) => argmax(readsSecondStage(model.secondStage?.gap ?? 0, s) ? (fitted.scores?.[k] ?? s) : s))
        : scores.map(argmax),
      val.labels,
      `validation (${val.count} held-out training images)`,
    );
    calibration = {
      temperature: fitTemperature(scores, val.labels),
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
  const evaluation = plan.evaluateTest ? await evaluateOnTest(model, mnist, plan, log) : null;
  const searchResults: SearchResult[] | null = search ? search.results : null;
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
  const peak = peakRssMB();
  model = withTraining(model, {
    ...model.training,
    ...(fonts ? { fontDigits: fonts.count } : {}),
    dataChecksums: { ...mnist.checksums, ...fontSet?.checksums },
    peakRssMB: peak,
  });
  return {
    model,
    validation,
    search: searchResults,
    peakRssMB: peak,
    cachedRows: final.cachedRows,
    rowRequests: final.rowRequests,
    rowsComputed: final.rowsComputed,
  };
}

/** Accuracy on the 10,000 MNIST test images, with the run's engine. */
async function evaluateOnTest(
  model: SvmModel,
  mnist: MnistData,
  plan: TrainingPlan,
  log: Log,
): Promise<ModelEvaluation> {
  const t = performance.now();
  const engine: ModelEngine = await createModelEngine(model, plan.engine);
  const evaluation = evaluateModel(
    model,
    mnist.test.images,
    mnist.test.labels,
    'MNIST test set (10,000 images)',
    engine,
  );
  log(
    `test accuracy ${(evaluation.accuracy * 100).toFixed(2)}% (${((performance.now() - t) / mnist.test.count).toFixed(2)} ms per image)`,
  );
  return evaluation;
}

/**
 * Adds `second` (the virtual-support-vector fit) to `first` as its second stage. With validation scores the routing
 * gap and the second stage's temperature are fitted on them; otherwise `defaults` (from a validation run) are used.
 */
function withSecondStage(
  first: SvmModel,
  second: SvmModel,
  shifts: readonly PixelShift[],
  defaults: NonNullable<TrainingPlan['secondStage']>,
  val: Dataset | null,
  fitted: { first: { scores: number[][] | null }; scores: number[][] | null },
  log: Log,
): SvmModel {
  const shared = shareShiftedSupportVectors(first, second, [{ dx: 0, dy: 0 }, ...shifts]);
  let gap = defaults.gap;
  let calibration = { temperature: defaults.temperature, fittedOn: defaults.fittedOn };
  let routing: { fittedOn: string; routedShare: number | null } = { fittedOn: defaults.fittedOn, routedShare: null };
  if (val && fitted.first.scores && fitted.scores) {
    const results = scoreGaps(fitted.first.scores, fitted.scores, val.labels);
    for (const r of results)
      log(
        `[routing] gap ${r.gap.toFixed(2)}: validation ${(r.accuracy * 100).toFixed(2)}%, ${(r.routedShare * 100).toFixed(2)}% read by the second stage`,
      );
    const chosen = chooseGap(results);
    gap = chosen.gap;
    calibration = secondStageTemperature(fitted.first.scores, fitted.scores, val.labels, gap);
    routing = { fittedOn: `validation split of ${val.count} training images`, routedShare: chosen.routedShare };
    log(
      `[routing] gap ${gap}: second stage reads ${(chosen.routedShare * 100).toFixed(2)}% of validation images; temperature ${calibration.temperature.toPrecision(4)}`,
    );
  }
  log(
    `second stage: ${shared.slots.length} support vectors kept as slots into the first stage's ${first.supportVectorCount} x ${shifts.length + 1} moves`,
  );
  return {
    ...first,
    format: 2,
    secondStage: { ...shared, gap, calibration, routing },
    info: { ...first.info, format: 2 },
  };
}

function withTraining(model: SvmModel, training: SvmModel['training']): SvmModel {
  return { ...model, training, info: { ...model.info } };
}
