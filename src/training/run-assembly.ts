import type { Dataset } from '../ml/dataset.js';
import { withModelFields, type SvmModel } from '../ml/model.js';
import { shareShiftedSupportVectors } from '../ml/second-stage.js';
import type { PixelShift } from '../ml/virtual-sv.js';
import type { Log, TrainingPlan } from './plan.js';
import type { FittedStages } from './run-stages.js';
import { chooseGap, scoreGaps, secondStageTemperature } from './second-stage-fit.js';

/**
 * The model a run ships, before its records (evaluation, calibration, data checksums): the last fit alone, or, for
 * a two-stage run, the first fit with the last one as its second stage. Its `training` record keeps the first fit's
 * C (a second fit with its own C records it under `virtualSupportVectors`), the seconds of every stage and, with
 * more than one, the stages themselves.
 */
export function assembleRunModel(
  plan: TrainingPlan,
  fitted: FittedStages,
  C: number,
  val: Dataset | null,
  log: Log,
): SvmModel {
  const { first, last, stages, shifts, virtualSupportVectors } = fitted;
  const twoStage = plan.secondStage !== undefined && shifts !== null;
  const model = withTraining(twoStage ? first.run.model : last.run.model, {
    ...last.run.model.training,
    C,
    seconds: stages.reduce((sum, stage) => sum + stage.seconds, 0),
    ...(stages.length > 1 ? { stages } : {}),
    ...(virtualSupportVectors ? { virtualSupportVectors } : {}),
  });
  if (!twoStage || plan.secondStage === undefined || shifts === null) return model;
  return withSecondStage(model, last.run.model, shifts, plan.secondStage, val, fitted, log);
}

/**
 * Adds `second` (the virtual-support-vector fit) to `first` as its second stage. With validation scores the routing
 * gap and the second stage's temperature are fitted on them; otherwise `defaults` (from a validation run) are used.
 */
export function withSecondStage(
  first: SvmModel,
  second: SvmModel,
  shifts: readonly PixelShift[],
  defaults: NonNullable<TrainingPlan['secondStage']>,
  val: Dataset | null,
  fitted: Pick<FittedStages, 'first' | 'last'>,
  log: Log,
): SvmModel {
  const shared = shareShiftedSupportVectors(first, second, [{ dx: 0, dy: 0 }, ...shifts]);
  let gap = defaults.gap;
  let calibration = { temperature: defaults.temperature, fittedOn: defaults.fittedOn };
  let routing: { fittedOn: string; routedShare: number | null } = { fittedOn: defaults.fittedOn, routedShare: null };
  if (val && fitted.first.scores && fitted.last.scores) {
    const results = scoreGaps(fitted.first.scores, fitted.last.scores, val.labels);
    for (const r of results)
      log(
        `[routing] gap ${r.gap.toFixed(2)}: validation ${(r.accuracy * 100).toFixed(2)}%, ${(r.routedShare * 100).toFixed(2)}% read by the second stage`,
      );
    const chosen = chooseGap(results);
    gap = chosen.gap;
    calibration = secondStageTemperature(fitted.first.scores, fitted.last.scores, val.labels, gap);
    routing = { fittedOn: `validation split of ${val.count} training images`, routedShare: chosen.routedShare };
    log(
      `[routing] gap ${gap}: second stage reads ${(chosen.routedShare * 100).toFixed(2)}% of validation images; temperature ${calibration.temperature.toPrecision(4)}`,
    );
  }
  log(
    `second stage: ${shared.slots.length} support vectors kept as slots into the first stage's ${first.supportVectorCount} x ${shifts.length + 1} shifts`,
  );
  return withModelFields(first, { secondStage: { ...shared, gap, calibration, routing } });
}

/** `model` with its training record replaced. */
export function withTraining(model: SvmModel, training: SvmModel['training']): SvmModel {
  return withModelFields(model, { training });
}
