/** The lead of the best of ten decision values over the second best. */
export function topGap(scores: ArrayLike<number>, at = 0): number {
  let best = -Infinity;
  let second = -Infinity;
  for (let c = 0; c < 10; c++) {
    const v = scores[at + c] as number;
    if (v > best) {
      second = best;
      best = v;
    } else if (v > second) second = v;
  }
  return best - second;
}

/**
 * Whether a two-stage model's second stage reads an image: when the first stage's best decision value leads the
 * second best by less than `gap`. The one statement of the rule: every engine routes with it, and training fits
 * and scores the gap with it, so the gap chosen on validation images is the gap the engines apply.
 * @param gap the second stage's `gap` (or a candidate gap while fitting one)
 * @param scores the first stage's decision values, scores[at .. at + 9]
 * @example if (readsSecondStage(model.secondStage.gap, scores)) scores = secondStageScores(...);
 */
export function readsSecondStage(gap: number, scores: ArrayLike<number>, at = 0): boolean {
  return topGap(scores, at) < gap;
}
