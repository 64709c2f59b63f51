import type * as z from 'zod/mini';
import type { PairMatrix } from './engine/pairs.js';
import type { PolyKernel } from './engine/poly.js';
import { MlError } from './errors.js';
import { firstNonFinite } from './little-endian.js';
import {
  modelRecordsSchema,
  MODEL_FORMAT,
  type ModelEvaluation,
  type ModelSearch,
  type ModelTraining,
} from './model-schema.js';
import type { SecondStage } from './second-stage.js';
import { useEnglishIssues } from './zod-english.js';

/** A summary for APIs and the CLI. */
export interface ModelInfo {
  readonly format: number;
  readonly trainedAt: string;
  readonly trainSize: number;
  readonly testAccuracy: number | null;
  readonly supportVectorCount: number;
  readonly hyperparameters: { readonly C: number; readonly kernel: PolyKernel; readonly deskew: boolean };
}

/** What a model is made of: everything but the fields {@link buildModel} derives from these. */
export interface ModelFields {
  readonly classes: readonly number[];
  readonly preprocessing: { readonly size: 28; readonly deskew: boolean };
  readonly kernel: PolyKernel;
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
}

/**
 * A loaded, validated model: its {@link ModelFields} and the fields derived from them (format, sizes, `info`).
 * Made only by {@link buildModel}, so the derived fields always match; treat it as immutable, nothing in the
 * toolkit writes to it.
 */
export interface SvmModel extends ModelFields {
  /** 2 with a second stage, else 1 (files without one stay format 1, byte-identical to before format 2). */
  readonly format: 1 | typeof MODEL_FORMAT;
  readonly dim: number;
  readonly supportVectorCount: number;
  readonly info: ModelInfo;
}

/** The first problems zod found, as `path: reason` (at most five, so a message stays readable). */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Makes a model value: checks the arrays' shapes, validates the records (and puts them in the schema's key order,
 * so the same model serializes to the same bytes however it was made) and derives `format`, `dim`,
 * `supportVectorCount` and `info`. The one way a model value is made: parsing, assembling and every change go
 * through it.
 * @throws MlError `MODEL_INVALID` naming the first field at fault
 * @example const model = buildModel({ ...modelFields(first), secondStage });
 */
export function buildModel(fields: ModelFields): SvmModel {
  const { count, dim } = fields.supportVectorPairs;
  if (fields.classes.length !== 10 || fields.biases.length !== 10)
    throw new MlError(
      'MODEL_INVALID',
      `a model has 10 classes and 10 biases, got ${fields.classes.length} and ${fields.biases.length}`,
    );
  if (fields.coefficients.length !== count * 10)
    throw new MlError(
      'MODEL_INVALID',
      `coefficients hold ${fields.coefficients.length} values, expected ${count} x 10`,
    );
  const bad = firstNonFinite(fields.coefficients);
  if (bad >= 0) throw new MlError('MODEL_INVALID', `coefficients: value ${bad} is not finite`);
  if (fields.secondStage !== undefined) checkSecondStage(fields.secondStage, count);
  if (!fields.biases.every(Number.isFinite)) throw new MlError('MODEL_INVALID', 'biases: a value is not finite');
  useEnglishIssues();
  const records = modelRecordsSchema.safeParse({
    calibration: fields.calibration,
    training: fields.training,
    evaluation: fields.evaluation,
    ...(fields.search === undefined ? {} : { search: fields.search }),
  });
  if (!records.success)
    throw new MlError('MODEL_INVALID', `model records are not valid: ${describeIssues(records.error)}`);
  const { calibration, training, evaluation, search } = records.data;
  const format = fields.secondStage === undefined ? 1 : MODEL_FORMAT;
  // Built field by field, in the schema's order, for the same reason as the records.
  const { degree, gamma, coef0 } = fields.kernel;
  const kernel: PolyKernel = { type: 'poly', degree, gamma, coef0 };
  const preprocessing = { size: 28, deskew: fields.preprocessing.deskew } as const;
  return {
    format,
    classes: fields.classes,
    preprocessing,
    kernel,
    dim,
    supportVectorCount: count,
    supportVectorPairs: fields.supportVectorPairs,
    coefficients: fields.coefficients,
    biases: fields.biases,
    calibration,
    training,
    evaluation,
    ...(search === undefined ? {} : { search }),
    ...(fields.secondStage === undefined ? {} : { secondStage: fields.secondStage }),
    info: {
      format,
      trainedAt: training.trainedAt,
      trainSize: training.trainSize,
      testAccuracy: evaluation?.accuracy ?? null,
      supportVectorCount: count,
      hyperparameters: { C: training.C, kernel, deskew: preprocessing.deskew },
    },
  };
}

/** A second stage must fit its first: slots within its support vectors x moves, finite coefficients. */
function checkSecondStage(stage: SecondStage, supportVectorCount: number): void {
  const limit = supportVectorCount * stage.shifts.length;
  const pastEnd = stage.slots.findIndex((slot) => slot >= limit);
  if (pastEnd >= 0) {
    throw new MlError(
      'MODEL_INVALID',
      `secondStage.slots: entry ${pastEnd} is ${stage.slots[pastEnd]}, past ${supportVectorCount} support vectors x ${stage.shifts.length} moves`,
    );
  }
  if (stage.coefficients.length !== stage.slots.length * 10)
    throw new MlError(
      'MODEL_INVALID',
      `secondStage: ${stage.slots.length} slots but ${stage.coefficients.length / 10} coefficient rows`,
    );
  const bad = firstNonFinite(stage.coefficients);
  if (bad >= 0) throw new MlError('MODEL_INVALID', `secondStage.coefficients: value ${bad} is not finite`);
}

/** The fields `model` was built from (without anything an engine added, such as a placement). */
export function modelFields(model: SvmModel): ModelFields {
  return {
    classes: model.classes,
    preprocessing: model.preprocessing,
    kernel: model.kernel,
    supportVectorPairs: model.supportVectorPairs,
    coefficients: model.coefficients,
    biases: model.biases,
    calibration: model.calibration,
    training: model.training,
    evaluation: model.evaluation,
    ...(model.search === undefined ? {} : { search: model.search }),
    ...(model.secondStage === undefined ? {} : { secondStage: model.secondStage }),
  };
}

/**
 * A new model: `model` with some fields replaced, its derived fields computed again (a changed `training.C` shows
 * in `info`, a second stage makes it format 2).
 * @example const placed = withModelFields(model, { coefficients: sharedCopy });
 */
export function withModelFields(model: SvmModel, changes: Partial<ModelFields>): SvmModel {
  return buildModel({ ...modelFields(model), ...changes });
}
