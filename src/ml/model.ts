import { decodeModelField, encodeBase64 } from './base64.js';
import { MlError } from './errors.js';
import {
  pairMatrixBytes,
  pairMatrixFromRows,
  pairMatrixOver,
  rowsFromPairMatrix,
  type PairMatrix,
} from './engine/pairs.js';
import type { PolyKernel } from './engine/poly.js';
import { decodeFloat64LE, encodeFloat64LE, viewFloat64LE } from './little-endian.js';
import {
  MODEL_FORMAT,
  modelJsonSchema,
  type ModelEvaluation,
  type ModelJson,
  type ModelSearch,
  type ModelTraining,
} from './model-schema.js';
import { buildModel, describeIssues, withModelFields, type SvmModel } from './model-value.js';
import type { ClassSolution } from './ovr.js';
import { secondStageFromParts, serializeSecondStage, type SecondStageJson } from './second-stage.js';
import { PIXELS } from '../shared/mnist.js';
import { useEnglishIssues } from './zod-english.js';

export { MODEL_FORMAT, modelJsonSchema } from './model-schema.js';
export type { ModelEvaluation, ModelJson, ModelSearch, ModelTraining } from './model-schema.js';
export { buildModel, modelFields, withModelFields } from './model-value.js';
export type { ModelFields, ModelInfo, SvmModel } from './model-value.js';

/**
 * Validates model JSON and decodes it.
 * @throws MlError `MODEL_INVALID` with the first problems found (path and reason)
 * @example const model = parseModel(JSON.parse(text));
 */
export function parseModel(json: unknown): SvmModel {
  useEnglishIssues();
  const parsed = modelJsonSchema.safeParse(json);
  if (!parsed.success) {
    throw new MlError(
      'MODEL_INVALID',
      `model file is not a valid model (formats 1-${MODEL_FORMAT}): ${describeIssues(parsed.error)}`,
    );
  }
  const m = parsed.data;
  const second = m.secondStage;
  return modelFromParts(m, {
    supportVectors: decodeModelField(m.supportVectors.data, 'supportVectors.data'),
    coefficients: decodeModelField(m.coefficients.data, 'coefficients.data'),
    ...(second === undefined
      ? {}
      : {
          secondStage: {
            slots: decodeModelField(second.slots.data, 'secondStage.slots.data'),
            coefficients: decodeModelField(second.coefficients.data, 'secondStage.coefficients.data'),
          },
        }),
  });
}

/** A validated model file's fields other than its arrays: what the JSON and the binary files (model-binary.ts) share. */
export type ModelParts = Omit<ModelJson, 'supportVectors' | 'coefficients' | 'secondStage'> & {
  readonly supportVectors: { readonly count: number; readonly dim: number };
  readonly secondStage?:
    (Omit<SecondStageJson, 'slots' | 'coefficients'> & { readonly slots: { readonly count: number } }) | undefined;
};

/**
 * A model file's arrays as stored: uint8 support vectors, row-major (`supportVectors`: the JSON file and binary
 * container 1) or already in the engines' pair layout (`supportVectorPairs`: binary container 2, see
 * engine/pairs.ts), then little-endian float64 and uint32 values.
 */
export type ModelArrayBytes = (
  | { readonly supportVectors: Uint8Array; readonly supportVectorPairs?: undefined }
  | { readonly supportVectorPairs: Uint8Array; readonly supportVectors?: undefined }
) & {
  readonly coefficients: Uint8Array;
  readonly secondStage?: { readonly slots: Uint8Array; readonly coefficients: Uint8Array };
};

/** Options of the model readers. */
export interface DecodeOptions {
  /**
   * Where to put the support vectors' pair matrix (zero-filled, `byteLength` bytes) when the file stores them row by
   * row: for example the shared memory the model will be placed in (startModelMemory), so its pages are written
   * once. A fresh array when omitted.
   */
  readonly pairsInto?: (byteLength: number) => Uint8Array;
  /**
   * The model's arrays may be views of the file's bytes rather than copies, where the file stores them as the model
   * holds them (binary container 2, on a little-endian platform): a file read straight into the memory the model
   * will be used from (shared memory for worker threads) is then decoded without copying it. The support vectors'
   * bytes are converted where they lie from the file's pair layout to the engines' (engine/pairs.ts), so those bytes
   * change; the caller must keep them unchanged afterwards for the model's life. Default: copies.
   */
  readonly inPlace?: boolean;
}

/**
 * Makes a model from a validated file's fields and its arrays' bytes, checking the arrays' sizes against the counts
 * the fields give: the one decoder behind {@link parseModel} and the binary reader.
 * @throws MlError `MODEL_INVALID` naming the field at fault
 */
export function modelFromParts(m: ModelParts, arrays: ModelArrayBytes, options: DecodeOptions = {}): SvmModel {
  if (
    (m.format === 2) !== (m.secondStage !== undefined) ||
    (m.secondStage === undefined) !== (arrays.secondStage === undefined)
  ) {
    throw new MlError('MODEL_INVALID', `model file is not valid: a format-2 model has a secondStage, format 1 none`);
  }
  const count = m.supportVectors.count;
  const dim = m.supportVectors.dim;
  const { supportVectors, coefficients: coefBytes } = arrays;
  if (supportVectors !== undefined && supportVectors.length !== count * dim) {
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
  return buildModel({
    classes: m.classes,
    preprocessing: m.preprocessing,
    kernel: m.kernel,
    supportVectorPairs:
      supportVectors === undefined
        ? storedPairs(arrays.supportVectorPairs, count, dim, options)
        : pairMatrixFromRows(supportVectors, count, dim, options.pairsInto?.(pairMatrixBytes(count, dim))),
    coefficients: options.inPlace ? viewFloat64LE(coefBytes) : decodeFloat64LE(coefBytes),
    biases: m.biases,
    calibration: m.calibration,
    training: m.training,
    evaluation: m.evaluation,
    ...(m.search === undefined ? {} : { search: m.search }),
    ...(m.secondStage === undefined || arrays.secondStage === undefined
      ? {}
      : { secondStage: secondStageFromParts(m.secondStage, arrays.secondStage, options) }),
  });
}

/**
 * The support vectors of a file that stores them in the plain pair layout, in the engines' layout (pairs.ts): its
 * bytes converted where they lie when decoding in place, else a converted copy (the file's bytes untouched).
 */
function storedPairs(bytes: Uint8Array, count: number, dim: number, options: DecodeOptions): PairMatrix {
  let into = bytes;
  if (!options.inPlace && bytes.length === pairMatrixBytes(count, dim)) {
    into = options.pairsInto?.(bytes.length) ?? new Uint8Array(bytes.length);
    into.set(bytes);
  }
  try {
    return pairMatrixOver(into, count, dim);
  } catch (error) {
    throw new MlError('MODEL_INVALID', `support vectors: ${(error as Error).message}`, { cause: error });
  }
}

/** Turns a model back into its JSON form (the inverse of {@link parseModel}). */
export function serializeModel(model: SvmModel): ModelJson {
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
    coefficients: {
      encoding: 'float64le-base64',
      layout: 'sv-major',
      data: encodeBase64(encodeFloat64LE(model.coefficients)),
    },
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
  return buildModel({
    classes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    preprocessing: { size: 28, deskew: input.deskew },
    kernel: input.kernel,
    supportVectorPairs: pairMatrixFromRows(supportVectors, count, dim),
    coefficients,
    biases,
    calibration: input.calibration ? { ...input.calibration } : { temperature: 1, fittedOn: 'none (default)' },
    training: input.training,
    evaluation: input.evaluation ?? null,
    ...(input.search === undefined ? {} : { search: input.search }),
  });
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
  return withModelFields(model, {
    ...(records.evaluation === undefined ? {} : { evaluation: records.evaluation }),
    ...(records.calibration === undefined ? {} : { calibration: records.calibration }),
    ...(records.search === undefined ? {} : { search: records.search }),
  });
}
