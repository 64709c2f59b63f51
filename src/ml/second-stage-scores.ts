import { addBiases } from './engine/js-sums.js';
import { dotScale, integerPower, type PolyKernel } from './engine/poly.js';
import type { ModelEngine } from './engine/types.js';
import type { SecondStage } from './second-stage.js';
import { shiftImage } from './virtual-sv.js';

/** What {@link secondStageScores} reads of the first stage. */
export interface FirstStage {
  readonly dim: number;
  readonly supportVectorCount: number;
  readonly kernel: PolyKernel;
}

/** The arrays one {@link secondStageScores} call fills, made once per engine (~660 KB for the shipped model). */
export interface SecondStageScratch {
  readonly moved: Uint8Array;
  readonly dots: Int32Array;
  readonly kernelValues: Float64Array;
}

/** Scratch for {@link secondStageScores} of this first and second stage. */
export function secondStageScratch(first: FirstStage, stage: SecondStage): SecondStageScratch {
  const moves = stage.shifts.length;
  return {
    moved: new Uint8Array(moves * first.dim),
    dots: new Int32Array(moves * first.supportVectorCount),
    kernelValues: new Float64Array(stage.slots.length),
  };
}

/**
 * The second stage's ten decision values of one preprocessed image, reference version: the image moved back by
 * every shift, one engine pass over the first stage's support vectors for all of them, then the float64 sums of a
 * model that stored the moved support vectors itself, term for term in its order (so the scores are bit-identical
 * to that model's). The WebAssembly engine's `stageScores` does the same operations in the same order.
 * @param image dim bytes, preprocessed
 * @param out out[outAt .. outAt + 9]
 * @param scratch reused between calls (see {@link secondStageScratch}); made here when omitted
 */
export function secondStageScores(
  first: FirstStage,
  stage: SecondStage,
  engine: ModelEngine,
  image: Uint8Array,
  out: Float64Array,
  outAt: number,
  scratch: SecondStageScratch = secondStageScratch(first, stage),
): void {
  const dim = first.dim;
  const { moved, dots, kernelValues: k } = scratch;
  stage.shifts.forEach(({ dx, dy }, s) =>
    shiftImage(image, { dx: -dx, dy: -dy }, moved.subarray(s * dim, (s + 1) * dim)),
  );
  engine.dots(moved, stage.shifts.length, dots);
  // Kernel values as classSums computes them, then each digit's non-zero terms in entry order: the same bits.
  const scale = dotScale(first.kernel.gamma);
  const { coef0, degree } = first.kernel;
  for (let e = 0; e < k.length; e++)
    k[e] = integerPower(scale * (dots[stage.slots[e] as number] as number) + coef0, degree);
  stage.terms.forEach(({ entries, coefficients }, c) => {
    let sum = 0;
    for (let j = 0; j < entries.length; j++) sum += (coefficients[j] as number) * (k[entries[j] as number] as number);
    out[outAt + c] = sum;
  });
  addBiases(stage.biases, out, outAt);
}
