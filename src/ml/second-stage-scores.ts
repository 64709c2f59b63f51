import { addBiases } from './engine/js-sums.js';
import { dotScale, integerPower, type PolyKernel } from './engine/poly.js';
import type { ModelEngine } from './engine/types.js';
import type { SecondStage } from './second-stage.js';
import { shiftImage } from './virtual-sv.js';

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

/** What {@link secondStageScores} reads of the first stage. */
export interface FirstStage {
  readonly dim: number;
  readonly supportVectorCount: number;
  readonly kernel: PolyKernel;
}

/**
 * The second stage's ten decision values of one preprocessed image: the image moved back by every shift, one engine
 * pass over the first stage's support vectors for all of them, then the float64 sums of a model that stored the moved
 * support vectors itself, term for term in its order (so the scores are bit-identical to that model's).
 * @param image dim bytes, preprocessed
 * @param out out[outAt .. outAt + 9]
 */
export function secondStageScores(
  first: FirstStage,
  stage: SecondStage,
  engine: ModelEngine,
  image: Uint8Array,
  out: Float64Array,
  outAt: number,
): void {
  const { dim, supportVectorCount: count } = first;
  const moves = stage.shifts.length;
  const moved = new Uint8Array(moves * dim);
  stage.shifts.forEach(({ dx, dy }, s) =>
    shiftImage(image, { dx: -dx, dy: -dy }, moved.subarray(s * dim, (s + 1) * dim)),
  );
  const dots = new Int32Array(moves * count);
  engine.dots(moved, moves, dots);
  // Kernel values as classSums computes them, then each digit's non-zero terms in entry order: the same bits.
  const scale = dotScale(first.kernel.gamma);
  const { coef0, degree } = first.kernel;
  const k = new Float64Array(stage.slots.length);
  for (let e = 0; e < k.length; e++)
    k[e] = integerPower(scale * (dots[stage.slots[e] as number] as number) + coef0, degree);
  stage.terms.forEach(({ entries, coefficients }, c) => {
    let sum = 0;
    for (let j = 0; j < entries.length; j++) sum += (coefficients[j] as number) * (k[entries[j] as number] as number);
    out[outAt + c] = sum;
  });
  addBiases(stage.biases, out, outAt);
}
