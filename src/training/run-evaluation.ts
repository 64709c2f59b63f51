import { fitTemperature } from '../ml/calibration.js';
import type { Dataset } from '../ml/dataset.js';
import type { ModelEngine } from '../ml/engine/types.js';
import { evaluateModel, scorePredictions } from '../ml/evaluate.js';
import type { ModelEvaluation, SvmModel } from '../ml/model.js';
import { readsSecondStage } from '../ml/routing.js';
import { createModelEngine } from '../node/kernel-wasm.js';
import { argmax } from './fit.js';
import type { MnistData } from './mnist-data.js';
import type { Log, TrainingPlan } from './plan.js';
import type { FittedStages } from './run-stages.js';

/** A run's confidence temperature, and the validation record when it held images out. */
export interface RunCalibration {
  readonly validation: ModelEvaluation | null;
  readonly calibration: { readonly temperature: number; readonly fittedOn: string } | undefined;
}

/**
 * Scores the shipped model on the held-out validation images (a two-stage model routes each image as it will at
 * prediction) and fits the first stage's temperature there. Without held-out images: the search's temperature, else
 * the plan's recorded one, else none.
 */
export function calibrateOnValidation(
  plan: TrainingPlan,
  model: SvmModel,
  fitted: Pick<FittedStages, 'first' | 'last'>,
  val: Dataset | null,
  fromSearch: RunCalibration['calibration'],
  log: Log,
): RunCalibration {
  const stage = model.secondStage;
  // A two-stage model is the first fit with the last as its second stage, so it is scored like the first.
  const scores = stage ? fitted.first.scores : fitted.last.scores;
  if (val && scores) {
    const answers = scores.map((s, k) =>
      argmax(stage && readsSecondStage(stage.gap, s) ? (fitted.last.scores?.[k] ?? s) : s),
    );
    const validation = scorePredictions(answers, val.labels, `validation (${val.count} held-out training images)`);
    log(`validation accuracy ${(validation.accuracy * 100).toFixed(2)}%`);
    return {
      validation,
      calibration: {
        temperature: fitTemperature(scores, val.labels),
        fittedOn: `validation split of ${val.count} training images`,
      },
    };
  }
  if (fromSearch !== undefined) return { validation: null, calibration: fromSearch };
  if (plan.temperature) {
    log(
      `confidences: temperature ${plan.temperature.temperature} (${plan.temperature.fittedOn}); --validation N fits one on held-out images`,
    );
    return { validation: null, calibration: { ...plan.temperature } };
  }
  log('note: confidences are not calibrated (temperature 1): no held-out data; add --validation N or --search');
  return { validation: null, calibration: undefined };
}

/** Accuracy on the 10,000 MNIST test images, with the run's engine. */
export async function evaluateOnTest(
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
