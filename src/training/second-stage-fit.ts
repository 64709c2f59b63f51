import { fitTemperature } from '../ml/calibration.js';
import { readsSecondStage } from '../ml/routing.js';
import { argmax } from './fit.js';

/** A routing gap tried on validation images, and what the two stages together scored with it. */
export interface GapResult {
  readonly gap: number;
  readonly accuracy: number;
  /** Share of the images the second stage read. */
  readonly routedShare: number;
}

/**
 * Gaps tried: the second stage reads an image when the first stage's best decision value leads the second best by
 * less than the gap. Decision values of this model are mostly within +-3 of each other on hard digits (measured on
 * validation: at 3, 15% of the images are routed), so the grid covers 0-4 in quarter steps.
 */
export const GAP_GRID: readonly number[] = Array.from({ length: 17 }, (_, k) => k / 4);

/** Scores each gap of `grid` on the validation images' decision values of both stages. */
export function scoreGaps(
  first: readonly (readonly number[])[],
  second: readonly (readonly number[])[],
  labels: Uint8Array,
  grid: readonly number[] = GAP_GRID,
): GapResult[] {
  const firstRight = first.map((s, k) => argmax(s) === labels[k]);
  const secondRight = second.map((s, k) => argmax(s) === labels[k]);
  return grid.map((gap) => {
    let right = 0;
    let routed = 0;
    first.forEach((s, k) => {
      const useSecond = readsSecondStage(gap, s);
      if (useSecond) routed++;
      if (useSecond ? secondRight[k] : firstRight[k]) right++;
    });
    return { gap, accuracy: right / labels.length, routedShare: routed / labels.length };
  });
}

/**
 * The gap to ship: the highest validation accuracy, and of equals the smallest gap (the fewest images routed, so
 * the least prediction time for the same answers).
 */
export function chooseGap(results: readonly GapResult[]): GapResult {
  let best = results[0];
  if (best === undefined) throw new Error('chooseGap needs at least one result');
  for (const r of results) if (r.accuracy > best.accuracy) best = r;
  return best;
}

/** The second stage's confidence temperature, fitted on the validation images it would read at `gap`. */
export function secondStageTemperature(
  first: readonly (readonly number[])[],
  second: readonly (readonly number[])[],
  labels: Uint8Array,
  gap: number,
): { temperature: number; fittedOn: string } {
  const routed = first.flatMap((s, k) => (readsSecondStage(gap, s) ? [k] : []));
  // Too few routed images to fit on: use them all.
  const use = routed.length >= 200 ? routed : first.map((_, k) => k);
  const temperature = fitTemperature(
    use.map((k) => second[k] as number[]),
    Uint8Array.from(use.map((k) => labels[k] as number)),
  );
  return {
    temperature,
    fittedOn: `${use.length} validation images ${use === routed ? 'the second stage reads' : '(all)'}`,
  };
}
