import { selectRows } from '../ml/dataset.js';
import { withModelRecords } from '../ml/model.js';
import { resolveTrainingPlan, type TrainingOptions } from './defaults.js';
import { peakRssMB, sortedIndices, trainingSet } from './fit.js';
import { runGridSearch, type SearchOutcome } from './grid-search.js';
import type { Log, RunPhase, SearchResult, TrainingReport } from './plan.js';
import { assembleRunModel, withTraining } from './run-assembly.js';
import { prepareData } from './run-data.js';
import { calibrateOnValidation, evaluateOnTest } from './run-evaluation.js';
import { fitStages, kernelFor } from './run-stages.js';

export type { TrainingOptions } from './defaults.js';
export type { GammaSpec, Log, RunPhase, SearchPlan, SearchResult, TrainingPlan, TrainingReport } from './plan.js';

/**
 * The whole training pipeline: load and verify MNIST, deskew, split (seeded), draw the pen variants, optionally
 * grid-search on a validation split, fit the stages on all threads, assemble the model, calibrate its confidences
 * and evaluate it on the test set. Each step lives in its own module (run-data, grid-search, run-stages,
 * run-assembly, run-evaluation); this one times them.
 * @param options - Any plan field; the rest are the shipped configuration (resolveTrainingPlan), so
 *   `runTraining()` trains what `npm run train` trains.
 * @param log - Progress lines (the CLI writes them to stderr).
 * @returns The model with its records, the validation result, the search results and resource use.
 * @example const { model } = await runTraining({ trainSize: 5000, evaluateTest: false });
 */
export async function runTraining(options: TrainingOptions = {}, log: Log = () => {}): Promise<TrainingReport> {
  const plan = resolveTrainingPlan(options);
  const phases: RunPhase[] = [];
  let mark = performance.now();
  const phase = (name: string): void => {
    const now = performance.now();
    phases.push({ name, seconds: (now - mark) / 1000 });
    mark = now;
  };
  const data = await prepareData(plan, log);
  phase('data and pen variants');
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
  if (search) phase('search');
  const C = search?.C ?? plan.C;
  const gamma = search?.gamma ?? plan.gamma;
  const coef0 = search?.coef0 ?? plan.coef0;

  const train = trainingSet(data.deskewed, data.trainIdx, data.variants, fonts);
  const kernel = kernelFor(plan, gamma, coef0, train);
  log(
    `training ${train.mnistRows} images + ${train.penVariants.count} pen variants${fonts ? ` + ${fonts.count} printed digits` : ''}: C=${C}, degree ${kernel.degree}, ` +
      `gamma ${kernel.gamma.toPrecision(6)}, coef0 ${coef0}, ${plan.threads} threads`,
  );
  const val = data.holdOut > 0 ? selectRows(mnist.train, sortedIndices(data.order.subarray(0, data.holdOut))) : null; // raw: the model deskews
  const fitted = await fitStages(plan, train, kernel, { C, gamma }, val, log);
  phase('stages');
  let model = assembleRunModel(plan, fitted, C, val, log);
  const { validation, calibration } = calibrateOnValidation(plan, model, fitted, val, search?.calibration, log);
  phase('assembly and calibration');
  const evaluation = plan.evaluateTest ? await evaluateOnTest(model, mnist, plan, log) : null;
  if (plan.evaluateTest) phase('test evaluation');
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
  phase('records');
  const stageSeconds = fitted.stages.map((s, k) => `stage ${k + 1} ${s.seconds.toFixed(1)}s`).join(', ');
  log(`phases: ${phases.map((p) => `${p.name} ${p.seconds.toFixed(1)}s`).join(', ')} (${stageSeconds})`);
  return {
    model,
    validation,
    search: searchResults,
    peakRssMB: peak,
    cachedRows: fitted.last.run.cachedRows,
    rowRequests: fitted.last.run.rowRequests,
    rowsComputed: fitted.last.run.rowsComputed,
    phases,
  };
}
