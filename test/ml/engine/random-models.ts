import fc from 'fast-check';
import { rowsFromPairMatrix } from '../../../src/ml/engine/pairs.js';
import type { PolyKernel } from '../../../src/ml/kernel.js';
import { assembleModel, withModelFields, type SvmModel } from '../../../src/ml/model.js';
import type { ClassSolution } from '../../../src/ml/ovr.js';
import { buildSecondStage } from '../../../src/ml/second-stage.js';
import { shiftImage, type PixelShift } from '../../../src/ml/virtual-sv.js';
import { trainingRecord } from '../../helpers/training-record.js';

const DIM = 784;

/** Byte images, dense (every pixel random) or sparse (a few random pixels, as in MNIST digits, or none). */
export const images = (count: number): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.uint8Array({ minLength: count * DIM, maxLength: count * DIM }),
    fc
      .array(fc.tuple(fc.integer({ min: 0, max: count * DIM - 1 }), fc.integer({ min: 1, max: 255 })), {
        maxLength: count * 200,
      })
      .map((pixels) => {
        const out = new Uint8Array(count * DIM);
        for (const [p, v] of pixels) out[p] = v;
        return out;
      }),
    fc.constant(new Uint8Array(count * DIM).fill(255)),
  );

export const kernels: fc.Arbitrary<PolyKernel> = fc.record({
  type: fc.constant('poly' as const),
  degree: fc.integer({ min: 1, max: 6 }),
  gamma: fc.double({ min: 1e-4, max: 0.1, noNaN: true }),
  coef0: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 2, noNaN: true })),
});

/**
 * A model over `count` random vectors (sparse or dense) with random coefficients for the ten digits: the shape of
 * a trained model, without training. No deskew, so engines see exactly the images they are given.
 */
export const randomModels = (maxCount: number): fc.Arbitrary<SvmModel> =>
  fc.integer({ min: 1, max: maxCount }).chain((count) =>
    fc
      .tuple(
        images(count),
        kernels,
        fc.array(fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true }), {
          minLength: count * 10,
          maxLength: count * 10,
        }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true }), {
          minLength: 10,
          maxLength: 10,
        }),
      )
      .map(([vectors, kernel, coef, biases]) => modelOf(vectors, count, kernel, Float64Array.from(coef), biases)),
  );

/** A model whose support vectors are `vectors` (count x 784), coefficient coef[i * 10 + c], given biases. */
export function modelOf(
  vectors: Uint8Array,
  count: number,
  kernel: PolyKernel,
  coef: Float64Array,
  biases: readonly number[],
): SvmModel {
  const all = Int32Array.from({ length: count }, (_, i) => i);
  const solutions: ClassSolution[] = biases.map((bias, digit) => ({
    digit,
    indices: all,
    coefficients: Float64Array.from({ length: count }, (_, i) => coef[i * 10 + digit] as number),
    bias,
    iterations: 1,
    converged: true,
    gap: 0,
    seconds: 0,
  }));
  return assembleModel({ solutions, images: vectors, kernel, deskew: false, training: trainingRecord(count) });
}

const moves: fc.Arbitrary<PixelShift[]> = fc.uniqueArray(
  fc.record({ dx: fc.integer({ min: -2, max: 2 }), dy: fc.integer({ min: -2, max: 2 }) }),
  { minLength: 1, maxLength: 6, selector: ({ dx, dy }) => `${dx},${dy}` },
);

/**
 * A two-stage model: a random first stage (see {@link randomModels}) and a second stage of random (support vector,
 * move) slots with random coefficients, many of them zero (as in a trained second stage, where a vector serves
 * about 2 of the 10 digits), and a gap that routes no image, every image, or some.
 */
export const randomTwoStageModels = (maxCount: number): fc.Arbitrary<SvmModel> =>
  fc
    .tuple(randomModels(maxCount), moves)
    .chain(([first, shifts]) =>
      fc.tuple(
        fc.constant(first),
        fc.constant(shifts),
        fc.array(fc.integer({ min: 0, max: first.supportVectorCount * shifts.length - 1 }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.oneof(fc.constant(0), fc.constant(Infinity), fc.double({ min: 0, max: 50, noNaN: true })),
      ),
    )
    .chain(([first, shifts, slots, gap]) =>
      fc
        .tuple(
          fc.array(fc.oneof(fc.constant(0), fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true })), {
            minLength: slots.length * 10,
            maxLength: slots.length * 10,
          }),
          fc.array(fc.double({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true }), {
            minLength: 10,
            maxLength: 10,
          }),
        )
        .map(([coef, biases]) =>
          withSecondStage(first, shifts, Uint32Array.from(slots), Float64Array.from(coef), biases, gap),
        ),
    );

/** `first` with a second stage of the given slots (into first's support vectors x shifts) and coefficients. */
export function withSecondStage(
  first: SvmModel,
  shifts: readonly PixelShift[],
  slots: Uint32Array,
  coefficients: Float64Array,
  biases: readonly number[],
  gap: number,
): SvmModel {
  return withModelFields(first, {
    secondStage: buildSecondStage({
      shifts,
      gap,
      slots,
      coefficients,
      biases,
      calibration: { temperature: 1, fittedOn: 'test' },
      routing: { fittedOn: 'test', routedShare: null },
    }),
  });
}

/**
 * The second stage of `model` as the model it stands for: one that stores each (support vector, move) as a moved
 * copy of the vector, with the stage's coefficients and biases (no second stage of its own).
 */
export function explicitSecondStage(model: SvmModel): SvmModel {
  const stage = model.secondStage!;
  const count = model.supportVectorCount;
  const vectors = rowsFromPairMatrix(model.supportVectorPairs);
  const rows = new Uint8Array(stage.slots.length * DIM);
  stage.slots.forEach((slot, e) => {
    const i = slot % count;
    shiftImage(
      vectors.subarray(i * DIM, (i + 1) * DIM),
      stage.shifts[Math.floor(slot / count)]!,
      rows.subarray(e * DIM, (e + 1) * DIM),
    );
  });
  return modelOf(rows, stage.slots.length, model.kernel, stage.coefficients, stage.biases);
}
