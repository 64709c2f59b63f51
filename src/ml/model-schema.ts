import * as z from 'zod/mini';
import { secondStageSchema } from './second-stage.js';
import { PIXELS } from '../shared/mnist.js';

/**
 * The newest model file format this code writes and reads. Format 2 adds a second stage (`secondStage`); a model
 * without one is still written as format 1, so files made before format 2 load unchanged and stay byte-identical.
 */
export const MODEL_FORMAT = 2;

// z.number() itself refuses NaN and ±Infinity (classic zod's `.finite()` added nothing); the name keeps that visible.
const finite = z.number();
const positive = finite.check(z.positive());
const nonNegative = finite.check(z.nonnegative());
const fraction = z.number().check(z.minimum(0), z.maximum(1));
const positiveInt = z.int().check(z.positive());
const nonNegativeInt = z.int().check(z.nonnegative());
const confusionSchema = z.array(z.array(nonNegativeInt).check(z.length(10))).check(z.length(10));

/** Accuracy of a model on a labelled set. */
export const evaluationSchema = z.object({
  dataset: z.string(),
  count: positiveInt,
  accuracy: fraction,
  /** confusion[true][predicted] */
  confusion: confusionSchema,
  /** Two-stage models: how many of the images the second stage read. */
  secondStageReads: z.optional(nonNegativeInt),
});

/** How the model was made: enough to reproduce it. */
export const trainingSchema = z.object({
  C: positive,
  tolerance: positive,
  shrinking: z.boolean(),
  gammaRule: z.string(),
  seed: z.int(),
  /** MNIST training images (pen variants not counted). */
  trainSize: positiveInt,
  /** Training digits redrawn with other pens and added to the rows (absent: none). */
  penVariants: z.optional(
    z.object({
      count: nonNegativeInt,
      thicker: nonNegativeInt,
      thinner: nonNegativeInt,
      /** Redrawn along their skeleton with a fine pen (absent in models trained before that pen existed: none). */
      fine: z.optional(nonNegativeInt),
      /** Dilation radii of the thicker pens, 28x28 pixels. */
      radius: z.tuple([finite, finite]),
      /** Ink levels the thinner pens keep. */
      level: z.tuple([finite, finite]),
      /** Widths of the fine pens, 28x28 pixels (absent with `fine`). */
      width: z.optional(z.tuple([finite, finite])),
    }),
  ),
  /** Printed digits (data/font-digits) added to the rows (absent: none). */
  fontDigits: z.optional(nonNegativeInt),
  /**
   * Virtual support vectors (absent: none): the first stage's support vectors, all of them, and `shifts` one-pixel
   * moves of `sources` of them (those of largest |alpha|), `rows` in all, were the last stage's training set.
   */
  virtualSupportVectors: z.optional(
    z.object({
      shifts: positiveInt,
      sources: positiveInt,
      rows: positiveInt,
      /** C of this stage when it differs from the first's (absent: the same). */
      C: z.optional(positive),
    }),
  ),
  /**
   * Accepted corrections added afterwards by a warm start of SMO from `baseModelSha256`'s coefficients (absent:
   * none): `digits` rows from `corrections` stored corrections went in, `heldOut` more were kept out to check it.
   */
  feedback: z.optional(
    z.object({
      digits: nonNegativeInt,
      corrections: nonNegativeInt,
      heldOut: nonNegativeInt,
      baseModelSha256: z.string(),
      seconds: nonNegative,
      command: z.string(),
    }),
  ),
  /** Each fit of a multi-stage run in order (absent: one fit); validation accuracy null without a held-out split. */
  stages: z.optional(
    z.array(
      z.object({
        name: z.string(),
        rows: positiveInt,
        supportVectors: nonNegativeInt,
        validationAccuracy: z.nullable(fraction),
        seconds: nonNegative,
      }),
    ),
  ),
  iterations: z.array(nonNegativeInt).check(z.length(10)),
  supportVectorsPerClass: z.array(nonNegativeInt).check(z.length(10)),
  seconds: nonNegative,
  peakRssMB: z.nullable(nonNegative),
  threads: positiveInt,
  machine: z.string(),
  command: z.string(),
  trainedAt: z.string(),
  dataChecksums: z.record(z.string(), z.string()),
});

/** A hyperparameter search run before training, recorded in the model (validation data only, never the test set). */
export const searchSchema = z.object({
  trainSize: positiveInt,
  validationSize: positiveInt,
  results: z.array(
    z.object({
      C: positive,
      gammaMultiplier: positive,
      gamma: positive,
      coef0: nonNegative,
      validationAccuracy: fraction,
      supportVectors: nonNegativeInt,
      seconds: nonNegative,
    }),
  ),
});

/** The temperature a model's confidences are computed at, and what it was fitted on. */
export const calibrationSchema = z.object({ temperature: positive, fittedOn: z.string() });

/**
 * Model file format 1 (JSON). Encodings:
 * - `supportVectors.data`: base64 of count x dim bytes, row-major; each vector is a preprocessed (deskewed) 28x28
 *   image, pixels 0..255.
 * - `coefficients.data`: base64 of count x 10 little-endian float64, sv-major: alpha_i * y_i of support vector i
 *   for digit c at [i * 10 + c] (0 where i is not a support vector of that digit's problem).
 * - decision value of digit c: sum_i coef[i][c] * K(sv_i, x) + biases[c]; the digit is the argmax.
 * Format 2 is format 1 plus `secondStage` (second-stage.ts), which answers when the first stage's two best decision
 * values are closer than its `gap`.
 */
export const modelJsonSchema = z.object({
  format: z.union([z.literal(1), z.literal(MODEL_FORMAT)]),
  type: z.literal('svm-one-vs-rest'),
  classes: z.array(z.int()).check(z.length(10)),
  preprocessing: z.object({ size: z.literal(28), deskew: z.boolean() }),
  kernel: z.object({
    type: z.literal('poly'),
    degree: z.int().check(z.minimum(1), z.maximum(10)),
    gamma: positive,
    coef0: nonNegative,
  }),
  supportVectors: z.object({
    count: positiveInt,
    dim: z.literal(PIXELS),
    encoding: z.literal('uint8-base64'),
    data: z.string(),
  }),
  coefficients: z.object({
    encoding: z.literal('float64le-base64'),
    layout: z.literal('sv-major'),
    data: z.string(),
  }),
  biases: z.array(finite).check(z.length(10)),
  calibration: calibrationSchema,
  training: trainingSchema,
  evaluation: z.nullable(evaluationSchema),
  search: z.optional(searchSchema),
  /** Format 2 only: see second-stage.ts. */
  secondStage: z.optional(secondStageSchema),
});

/** A model file's JSON (format 1 or 2), as `serializeModel` writes it and `parseModel` reads it (model.ts). */
export type ModelJson = z.infer<typeof modelJsonSchema>;
/** How a model was trained (hyperparameters, data checksums, machine, time): enough to reproduce it. */
export type ModelTraining = z.infer<typeof trainingSchema>;
/** Accuracy and confusion matrix (`confusion[true][predicted]`) of a model on a labelled set. */
export type ModelEvaluation = z.infer<typeof evaluationSchema>;
/** The search record of {@link searchSchema}. */
export type ModelSearch = z.infer<typeof searchSchema>;

/**
 * A model's records (everything but its arrays and kernel): validated, and in the schema's key order, whoever built
 * them (a parsed file, a training run's spreads), so a model's JSON does not depend on how the value was made.
 */
export const modelRecordsSchema = z.object({
  calibration: calibrationSchema,
  training: trainingSchema,
  evaluation: z.nullable(evaluationSchema),
  search: z.optional(searchSchema),
});
