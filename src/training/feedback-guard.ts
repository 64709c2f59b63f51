import type { ModelEvaluation } from '../ml/model.js';
import type { LabelledDigits } from './warm-train.js';

/**
 * The most MNIST test accuracy a warm start may cost, in percentage points: 5 of the 10,000 test images. A model
 * that learned a new style by forgetting MNIST is not written (issue 26).
 */
export const MAX_MNIST_DROP_POINTS = 0.05;

/** Every this-many-th accepted digit is held out of the warm start by default, to check what it learned: 20%. */
export const DEFAULT_HELD_OUT_EVERY = 5;

/**
 * Splits digits into those trained on and those held out: digit k is held out when (k + 1) is a multiple of
 * `every` (0: none), so the split is the same on every run and spreads over the store's order (oldest first).
 */
export function splitHeldOut(
  digits: LabelledDigits,
  every: number,
): { readonly train: LabelledDigits; readonly heldOut: LabelledDigits } {
  const pick = (held: boolean): LabelledDigits => {
    const rows: number[] = [];
    for (let k = 0; k < digits.count; k++) if ((every > 0 && (k + 1) % every === 0) === held) rows.push(k);
    const pixels = new Uint8Array(rows.length * 784);
    rows.forEach((k, j) => pixels.set(digits.pixels.subarray(k * 784, (k + 1) * 784), j * 784));
    return { count: rows.length, pixels, labels: Uint8Array.from(rows, (k) => digits.labels[k] as number) };
  };
  return { train: pick(false), heldOut: pick(true) };
}

/** Images a model read right, from its confusion matrix (exact, unlike accuracy x count). */
export function correctCount(evaluation: ModelEvaluation): number {
  return evaluation.confusion.reduce((sum, row, d) => sum + (row[d] as number), 0);
}

/** What the guard decided, and the line that says why. */
export interface GuardVerdict {
  readonly accept: boolean;
  /** MNIST test accuracy lost, in percentage points (negative: gained). */
  readonly dropPoints: number;
  readonly message: string;
}

const pct = (e: ModelEvaluation | null): string =>
  e === null ? 'n/a (none held out)' : `${(e.accuracy * 100).toFixed(2)}% (${correctCount(e)}/${e.count})`;

/**
 * Accepts the warm-started model unless it reads MNIST test worse than the model it started from by more than
 * `maxDropPoints`.
 * @param mnist - MNIST test before and after.
 * @param heldOut - The held-out corrections before and after (null when none were held out).
 */
export function guardVerdict(
  mnist: { readonly before: ModelEvaluation; readonly after: ModelEvaluation },
  heldOut: { readonly before: ModelEvaluation; readonly after: ModelEvaluation } | null,
  maxDropPoints = MAX_MNIST_DROP_POINTS,
): GuardVerdict {
  const dropPoints = ((correctCount(mnist.before) - correctCount(mnist.after)) * 100) / mnist.after.count;
  // A hair of slack so 0.05 points (5 of 10,000) passes despite floating-point division.
  const accept = dropPoints <= maxDropPoints + 1e-9;
  const figures =
    `MNIST test ${pct(mnist.before)} -> ${pct(mnist.after)}; ` +
    `held-out corrections ${pct(heldOut?.before ?? null)} -> ${pct(heldOut?.after ?? null)}`;
  return {
    accept,
    dropPoints,
    message: accept
      ? `guard passed: ${figures}`
      : `refused: MNIST test accuracy dropped by ${dropPoints.toFixed(2)} points, more than the ${maxDropPoints} allowed; ${figures}`,
  };
}
