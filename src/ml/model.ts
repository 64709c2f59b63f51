import { z } from 'zod';
import { decodeBase64, encodeBase64 } from './base64.js';
import { MlError } from './errors.js';
import { pairMatrixFromRows, rowsFromPairMatrix, type PairMatrix } from './engine/pairs.js';
import type { PolyKernel } from './engine/poly.js';
import type { ClassSolution } from './ovr.js';
import { parseSecondStage, secondStageSchema, serializeSecondStage, type SecondStage } from './second-stage.js';
import { PIXELS } from '../shared/mnist.js';

/**
 * The newest model file format this code writes and reads. Format 2 adds a second stage (`secondStage`); a model
 * without one is still written as format 1, so files made before format 2 load unchanged and stay byte-identical.
 */
export const MODEL_FORMAT = 2;

const finite = z.number().finite();
const confusionSchema = z.array(z.array(z.number().int().nonnegative()).length(10)).length(10);

/** Accuracy of a model on a labelled set. */
export const evaluationSchema = z.object({
  dataset: z.string(),
  count: z.number().int().positive(),
  accuracy: z.number().min(0).max(1),
  /** confusion[true][predicted] */
  confusion: confusionSchema,
  /** Two-stage models: how many of the images the second stage read. */
  secondStageReads: z.number().int().nonnegative().optional(),
});

/** How the model was made: enough to reproduce it. */
export const trainingSchema = z.object({
  C: finite.positive(),
  tolerance: finite.positive(),
  shrinking: z.boolean(),
  gammaRule: z.string(),
  seed: z.number().int(),
  /** MNIST training images (pen variants not counted). */
  trainSize: z.number().int().positive(),
  /** Training digits redrawn with other pens and added to the rows (absent: none). */
  penVariants: z
    .object({
      count: z.number().int().nonnegative(),
      thicker: z.number().int().nonnegative(),
      thinner: z.number().int().nonnegative(),
      /** Redrawn along their skeleton with a fine pen (absent in models trained before that pen existed: none). */
      fine: z.number().int().nonnegative().optional(),
      /** Dilation radii of the thicker pens, 28x28 pixels. */
      radius: z.tuple([finite, finite]),
      /** Ink levels the thinner pens keep. */
      level: z.tuple([finite, finite]),
      /** Widths of the fine pens, 28x28 pixels (absent with `fine`). */
      width: z.tuple([finite, finite]).optional(),
    })
    .optional(),
  /** Printed digits (data/font-digits) added to the rows (absent: none). */
  fontDigits: z.number().int().nonnegative().optional(),
  /**
   * Virtual support vectors (absent: none): the first stage's support vectors, all of them, and `shifts` one-pixel
   * moves of `sources` of them (those of largest |alpha|), `rows` in all, were the last stage's training set.
   */
  virtualSupportVectors: z
    .object({
      shifts: z.number().int().positive(),
      sources: z.number().int().positive(),
      rows: z.number().int().positive(),
      /** C of this stage when it differs from the first's (absent: the same). */
      C: finite.positive().optional(),
    })
    .optional(),
  /**
   * Accepted corrections added afterwards by a warm start of SMO from `baseModelSha256`'s coefficients (absent:
   * none): `digits` rows from `corrections` stored corrections went in, `heldOut` more were kept out to check it.
   */
  feedback: z
    .object({
      digits: z.number().int().nonnegative(),
      corrections: z.number().int().nonnegative(),
      heldOut: z.number().int().nonnegative(),
      baseModelSha256: z.string(),
      seconds: finite.nonnegative(),
      command: z.string(),
    })
    .optional(),
  /** Each fit of a multi-stage run in order (absent: one fit); validation accuracy null without a held-out split. */
  stages: z
    .array(
      z.object({
        name: z.string(),
        rows: z.number().int().positive(),
        supportVectors: z.number().int().nonnegative(),
        validationAccuracy: z.number().min(0).max(1).nullable(),
        seconds: finite.nonnegative(),
      }),
    )
    .optional(),
  iterations: z.array(z.number().int().nonnegative()).length(10),
  supportVectorsPerClass: z.array(z.number().int().nonnegative()).length(10),
  seconds: finite.nonnegative(),
  peakRssMB: finite.nonnegative().nullable(),
  threads: z.number().int().positive(),
  machine: z.string(),
  command: z.string(),
  trainedAt: z.string(),
  dataChecksums: z.record(z.string(), z.string()),
});

/** A hyperparameter search run before training, recorded in the model (validation data only, never the test set). */
export const searchSchema = z.object({
  trainSize: z.number().int().positive(),
  validationSize: z.number().int().positive(),
  results: z.array(
    z.object({
      C: finite.positive(),
      gammaMultiplier: finite.positive(),
      gamma: finite.positive(),
      coef0: finite.nonnegative(),
      validationAccuracy: z.number().min(0).max(1),
      supportVectors: z.number().int().nonnegative(),
      seconds: finite.nonnegative(),
    }),
  ),
});

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
  classes: z.array(z.number().int()).length(10),
  preprocessing: z.object({ size: z.literal(28), deskew: z.boolean() }),
  kernel: z.object({
    type: z.literal('poly'),
    degree: z.number().int().min(1).max(10),
    gamma: finite.positive(),
    coef0: finite.nonnegative(),
  }),
  supportVectors: z.object({
    count: z.number().int().positive(),
    dim: z.literal(PIXELS),
    encoding: z.literal('uint8-base64'),
    data: z.string(),
  }),
  coefficients: z.object({
    encoding: z.literal('float64le-base64'),
    layout: z.literal('sv-major'),
    data: z.string(),
  }),
  biases: z.array(finite).length(10),
  calibration: z.object({ temperature: finite.positive(), fittedOn: z.string() }),
  training: trainingSchema,
  evaluation: evaluationSchema.nullable(),
  search: searchSchema.optional(),
  /** Format 2 only: see second-stage.ts. */
  secondStage: secondStageSchema.optional(),
});

/** A model file's JSON (format 1 or 2), as {@link serializeModel} writes it and {@link parseModel} reads it. */
export type ModelJson = z.infer<typeof modelJsonSchema>;
/** How a model was trained (hyperparameters, data checksums, machine, time): enough to reproduce it. */
export type ModelTraining = z.infer<typeof trainingSchema>;
/** Accuracy and confusion matrix (`confusion[true][predicted]`) of a model on a labelled set. */
export type ModelEvaluation = z.infer<typeof evaluationSchema>;
/** The search record of {@link searchSchema}. */
export type ModelSearch = z.infer<typeof searchSchema>;

/** A summary for APIs and the CLI. */
export interface ModelInfo {
  readonly format: number;
  readonly trainedAt: string;
  readonly trainSize: number;
  readonly testAccuracy: number | null;
  readonly supportVectorCount: number;
  readonly hyperparameters: { readonly C: number; readonly kernel: PolyKernel; readonly deskew: boolean };
}

/**
 * A loaded, validated model: the JSON's fields plus decoded arrays. Treat it as immutable; nothing in the toolkit
 * writes to it.
 */
export interface SvmModel {
  readonly format: 1 | 2;
  readonly classes: readonly number[];
  readonly preprocessing: { readonly size: 28; readonly deskew: boolean };
  readonly kernel: PolyKernel;
  readonly dim: number;
  readonly supportVectorCount: number;
  /**
   * The support vectors in the kernel engine's pair layout (see engine/pairs.ts): what every backend reads, and the
   * only copy kept in memory (the file's row-major layout is rebuilt by serializeModel), so a loaded model holds its
   * support vectors once.
   */
  readonly supportVectorPairs: PairMatrix;
  /** count x 10, sv-major. */
  readonly coefficients: Float64Array;
  readonly biases: readonly number[];
  readonly calibration: { readonly temperature: number; readonly fittedOn: string };
  readonly training: ModelTraining;
  readonly evaluation: ModelEvaluation | null;
  readonly search?: ModelSearch;
  /** Format 2: the stage that reads the images this one is unsure of (see second-stage.ts). */
  readonly secondStage?: SecondStage;
  readonly info: ModelInfo;
}

/**
 * Validates model JSON and decodes it.
 * @throws MlError `MODEL_INVALID` with the first problems found (path and reason)
 * @example const model = parseModel(JSON.parse(text));
 */
export function parseModel(json: unknown): SvmModel {
  const parsed = modelJsonSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new MlError('MODEL_INVALID', `model file is not a valid model (formats 1-${MODEL_FORMAT}): ${issues}`);
  }
  const m = parsed.data;
  if ((m.format === 2) !== (m.secondStage !== undefined)) {
    throw new MlError('MODEL_INVALID', `model file is not valid: a format-2 model has a secondStage, format 1 none`);
  }
  const count = m.supportVectors.count;
  const dim = m.supportVectors.dim;
  let supportVectors: Uint8Array;
  let coefBytes: Uint8Array;
  try {
    supportVectors = decodeBase64(m.supportVectors.data, 'supportVectors.data');
    coefBytes = decodeBase64(m.coefficients.data, 'coefficients.data');
  } catch (error) {
    throw new MlError('MODEL_INVALID', `model file is not valid: ${(error as Error).message}`, { cause: error });
  }
  if (supportVectors.length !== count * dim) {
    throw new MlError(
      'MODEL_INVALID',
      `supportVectors.data holds ${supportVectors.length} bytes, expected ${count} x ${dim}`,
    );
  }
  if (coefBytes.length !== count * 10 * 8) {
    throw new MlError(
      'MODEL_INVALID',
      `coefficients.data holds ${coefBytes.length} bytes, expected ${count} x 10 float64`,
    );
  }
  const view = new DataView(coefBytes.buffer, coefBytes.byteOffset, coefBytes.byteLength);
  const coefficients = new Float64Array(count * 10);
  for (let k = 0; k < coefficients.length; k++) {
    const v = view.getFloat64(8 * k, true);
    if (!Number.isFinite(v)) throw new MlError('MODEL_INVALID', `coefficients.data: value ${k} is not finite`);
    coefficients[k] = v;
  }
  const kernel: PolyKernel = { ...m.kernel };
  return {
    format: m.format,
    classes: m.classes,
    preprocessing: m.preprocessing,
    kernel,
    dim,
    supportVectorCount: count,
    supportVectorPairs: pairMatrixFromRows(supportVectors, count, dim),
    coefficients,
    biases: m.biases,
    calibration: m.calibration,
    training: m.training,
    evaluation: m.evaluation,
    ...(m.search === undefined ? {} : { search: m.search }),
    ...(m.secondStage === undefined ? {} : { secondStage: parseSecondStage(m.secondStage, count) }),
    info: {
      format: m.format,
      trainedAt: m.training.trainedAt,
      trainSize: m.training.trainSize,
      testAccuracy: m.evaluation?.accuracy ?? null,
      supportVectorCount: count,
      hyperparameters: { C: m.training.C, kernel, deskew: m.preprocessing.deskew },
    },
  };
}

/** Turns a model back into its JSON form (the inverse of {@link parseModel}). */
export function serializeModel(model: SvmModel): ModelJson {
  const coefBytes = new Uint8Array(model.coefficients.length * 8);
  const view = new DataView(coefBytes.buffer);
  model.coefficients.forEach((v, k) => view.setFloat64(8 * k, v, true));
  return {
    format: model.secondStage === undefined ? 1 : 2,
    type: 'svm-one-vs-rest',
    classes: [...model.classes],
    preprocessing: { ...model.preprocessing },
    kernel: { ...model.kernel },
    supportVectors: {
      count: model.supportVectorCount,
      dim: PIXELS,
      encoding: 'uint8-base64',
      data: encodeBase64(rowsFromPairMatrix(model.supportVectorPairs)),
    },
    coefficients: { encoding: 'float64le-base64', layout: 'sv-major', data: encodeBase64(coefBytes) },
    biases: [...model.biases],
    calibration: { ...model.calibration },
    training: model.training,
    evaluation: model.evaluation,
    ...(model.search === undefined ? {} : { search: model.search }),
    ...(model.secondStage === undefined ? {} : { secondStage: serializeSecondStage(model.secondStage) }),
  };
}

/** What {@link assembleModel} needs besides the ten solutions. */
export interface AssembleInput {
  readonly solutions: readonly ClassSolution[];
  /** The preprocessed training images the solutions index, n x 784. */
  readonly images: Uint8Array;
  readonly kernel: PolyKernel;
  readonly deskew: boolean;
  readonly training: ModelTraining;
  readonly calibration?: { readonly temperature: number; readonly fittedOn: string };
  readonly evaluation?: ModelEvaluation | null;
  readonly search?: ModelSearch;
}

/**
 * Builds a model from ten one-vs-rest solutions: the union of their support vectors, each stored once, with a
 * coefficient per digit.
 */
export function assembleModel(input: AssembleInput): SvmModel {
  const dim = PIXELS;
  const union = new Set<number>();
  for (const s of input.solutions) for (const t of s.indices) union.add(t);
  const svIndex = [...union].sort((a, b) => a - b);
  if (svIndex.length === 0) throw new MlError('INVALID_ARGUMENT', 'no support vectors: nothing to assemble');
  const position = new Map<number, number>();
  svIndex.forEach((t, k) => position.set(t, k));
  const count = svIndex.length;
  const supportVectors = new Uint8Array(count * dim);
  svIndex.forEach((t, k) => supportVectors.set(input.images.subarray(t * dim, (t + 1) * dim), k * dim));
  const coefficients = new Float64Array(count * 10);
  const biases = new Array<number>(10).fill(0);
  for (const s of input.solutions) {
    biases[s.digit] = s.bias;
    s.indices.forEach((t, k) => {
      coefficients[(position.get(t) as number) * 10 + s.digit] = s.coefficients[k] as number;
    });
  }
  const json: ModelJson = {
    format: 1,
    type: 'svm-one-vs-rest',
    classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    preprocessing: { size: 28, deskew: input.deskew },
    kernel: { ...input.kernel },
    supportVectors: { count, dim: PIXELS, encoding: 'uint8-base64', data: encodeBase64(supportVectors) },
    coefficients: { encoding: 'float64le-base64', layout: 'sv-major', data: '' },
    biases,
    calibration: input.calibration ? { ...input.calibration } : { temperature: 1, fittedOn: 'none (default)' },
    training: input.training,
    evaluation: input.evaluation ?? null,
    ...(input.search === undefined ? {} : { search: input.search }),
  };
  const coefBytes = new Uint8Array(coefficients.buffer.slice(0));
  // Float64Array uses the platform's byte order; the format is little-endian, so write it explicitly.
  const view = new DataView(coefBytes.buffer);
  coefficients.forEach((v, k) => view.setFloat64(8 * k, v, true));
  json.coefficients.data = encodeBase64(coefBytes);
  return parseModel(json);
}

/** Returns a copy of `model` with its evaluation, calibration or search record replaced. */
export function withModelRecords(
  model: SvmModel,
  records: {
    evaluation?: ModelEvaluation | null;
    calibration?: { temperature: number; fittedOn: string };
    search?: ModelSearch;
  },
): SvmModel {
  const json = serializeModel(model);
  return parseModel({
    ...json,
    ...(records.evaluation === undefined ? {} : { evaluation: records.evaluation }),
    ...(records.calibration === undefined ? {} : { calibration: records.calibration }),
    ...(records.search === undefined ? {} : { search: records.search }),
  });
}
