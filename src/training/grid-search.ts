import { fitTemperature } from '../ml/calibration.js';
import { selectRows, type Dataset } from '../ml/dataset.js';
import { scorePredictions } from '../ml/evaluate.js';
import { scaleGamma, type PolyKernel } from '../ml/kernel.js';
import { PIXELS } from '../shared/mnist.js';
import type { PenVariants } from './augment/pen-augmentation.js';
import { argmax, fitOnce, sortedIndices, trainingSet, validationScores } from './fit.js';
import type { GammaSpec, Log, SearchResult, TrainingPlan } from './plan.js';
import { allocateRowArenas } from './train-threads.js';

/** What the grid search chose, and the temperature fitted on its validation scores. */
export interface SearchOutcome {
  readonly results: SearchResult[];
  readonly C: number;
  readonly gamma: GammaSpec;
  readonly coef0: number;
  readonly calibration: { readonly temperature: number; readonly fittedOn: string };
}

/** The search's inputs: the deskewed pool, the raw images it validates on, and the seeded order of both. */
export interface SearchData {
  readonly deskewed: Dataset;
  readonly raw: Dataset;
  readonly order: Int32Array;
  readonly fitIdx: Int32Array;
  readonly variants: PenVariants | undefined;
  readonly fonts: Dataset | undefined;
}

/**
 * Grid search on a held-out validation split of the training set (never the test set): each C x gamma x coef0
 * point is fitted on `plan.search.trainSize` images and scored on the first `validationSize` of the seeded order.
 * The winner is the first point with the highest validation accuracy; its validation scores fit the temperature.
 * @param plan - The run's plan; `plan.search` must be set.
 * @param data - See {@link SearchData}.
 * @param log - Progress lines.
 * @returns The results of every point, the winner's hyperparameters and its calibration.
 */
export async function runGridSearch(plan: TrainingPlan, data: SearchData, log: Log): Promise<SearchOutcome> {
  const s = plan.search;
  if (s === undefined) throw new Error('runGridSearch needs plan.search');
  const valIdx = sortedIndices(data.order.subarray(0, s.validationSize));
  const fit = trainingSet(data.deskewed, data.fitIdx, data.variants, data.fonts);
  const val = selectRows(data.raw, valIdx); // raw: the model deskews what it predicts
  // MNIST rows come first in the fit set; gamma is taken from them alone, as for the final model.
  const base = scaleGamma(fit.data.images.subarray(0, fit.mnistRows * PIXELS), PIXELS);
  const results: SearchResult[] = [];
  let best: { result: SearchResult; scores: number[][] } | undefined;
  // One row memory per thread for every point: its pages are written once, and the solvers' loops run beside it.
  const rowArenas = allocateRowArenas(plan);
  for (const c of s.Cs) {
    for (const m of s.gammaMultipliers) {
      for (const c0 of s.coef0s) {
        const kernel: PolyKernel = { type: 'poly', degree: plan.degree, gamma: base * m, coef0: c0 };
        const label = `search C=${c} gamma=scale*${m} coef0=${c0}`;
        const run = await fitOnce(fit, kernel, plan, c, () => {}, label, undefined, rowArenas);
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
        results.push(result);
        log(
          `[${label}] validation accuracy ${(acc * 100).toFixed(2)}% (${val.count} images), ${run.model.supportVectorCount} SVs, ${run.seconds.toFixed(0)}s`,
        );
        // Strictly better only: the first of equally accurate points wins.
        if (best === undefined || acc > best.result.validationAccuracy) best = { result, scores };
      }
    }
  }
  if (best === undefined) throw new Error('the search grid is empty');
  const winner = best.result;
  const calibration = {
    temperature: fitTemperature(best.scores, val.labels),
    fittedOn: `validation split of ${val.count} training images (search winner)`,
  };
  log(
    `search winner: C=${winner.C} gamma=scale*${winner.gammaMultiplier} coef0=${winner.coef0}; temperature ${calibration.temperature.toFixed(4)}`,
  );
  return {
    results,
    C: winner.C,
    gamma: { kind: 'scale', multiplier: winner.gammaMultiplier },
    coef0: winner.coef0,
    calibration,
  };
}
