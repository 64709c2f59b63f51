import * as z from 'zod/mini';
import { encodeBase64 } from './base64.js';
import { rowsFromPairMatrix, type PairMatrix } from './engine/pairs.js';
import type { PolyKernel } from './engine/poly.js';
import { MlError } from './errors.js';
import {
  decodeFloat64LE,
  decodeUint32LE,
  encodeFloat64LE,
  encodeUint32LE,
  viewFloat64LE,
  viewUint32LE,
} from './little-endian.js';
import { shiftImage, type PixelShift } from './virtual-sv.js';

/**
 * A second stage that reads only the images the first one is unsure of: a virtual-support-vector model (trained on
 * the first stage's support vectors and their one-pixel moves) stored without its support vectors. Every one of
 * them is a first-stage support vector moved by one of `shifts`, and a moved vector's dot product with an image
 * equals the unmoved vector's with the image moved back (the same pixel pairs meet, at the border too). So the
 * stage keeps one (support vector, move) slot and ten coefficients per support vector, about 90 bytes against 784 +
 * 80, and computes its kernel values from the first stage's support vectors and a few moved copies of the input.
 */
export interface SecondStage {
  /** The moves applied to first-stage support vectors; the input is moved the opposite way. */
  readonly shifts: readonly PixelShift[];
  /** The first stage answers when its best decision value leads the second best by at least `gap`. */
  readonly gap: number;
  /** Support vector e of this stage is first-stage support vector `slots[e] % count` moved by `shifts[slots[e] / count]`. */
  readonly slots: Uint32Array;
  /** slots.length x 10, entry-major (like the first stage's sv-major coefficients). */
  readonly coefficients: Float64Array;
  /**
   * The same coefficients per digit, zeros left out (see {@link classTerms}): a support vector here serves 1.8
   * digits on average, so the sums read 85,000 terms instead of 481,000 (1.9 ms -> well under 1 ms per image).
   */
  readonly terms: readonly ClassTerms[];
  readonly biases: readonly number[];
  readonly calibration: { readonly temperature: number; readonly fittedOn: string };
  /** How `gap` was chosen, for the model card. */
  readonly routing: { readonly fittedOn: string; readonly routedShare: number | null };
}

/** One digit's non-zero second-stage coefficients and the entries they belong to, entries ascending. */
export interface ClassTerms {
  readonly entries: Int32Array;
  readonly coefficients: Float64Array;
}

/**
 * Splits entry-major coefficients (count x 10) into ten sparse lists. Summing a digit's non-zero terms in entry
 * order gives the same bits as the dense sum: the terms left out add a zero (0 x a finite kernel value), which
 * changes no non-zero sum.
 */
export function classTerms(coefficients: Float64Array): ClassTerms[] {
  const count = coefficients.length / 10;
  // Two passes in memory order, not ten column walks of 80-byte strides (3.9 MB of the shipped model: 32 -> ~5 ms
  // of the server's start, 2-core AMD EPYC).
  const sizes = new Int32Array(10);
  for (let k = 0; k < coefficients.length; k++)
    if ((coefficients[k] as number) !== 0) sizes[k % 10] = (sizes[k % 10] as number) + 1;
  const terms = Array.from(sizes, (n) => ({ entries: new Int32Array(n), coefficients: new Float64Array(n) }));
  const filled = new Int32Array(10);
  for (let e = 0; e < count; e++) {
    for (let c = 0; c < 10; c++) {
      const v = coefficients[e * 10 + c] as number;
      if (v === 0) continue;
      const t = terms[c] as ClassTerms;
      const j = filled[c] as number;
      filled[c] = j + 1;
      t.entries[j] = e;
      t.coefficients[j] = v;
    }
  }
  return terms;
}

/** What a second stage is made of: everything but `terms`, which {@link buildSecondStage} derives. */
export type SecondStageFields = Omit<SecondStage, 'terms'>;

/** A second-stage value, its per-digit `terms` derived from its coefficients: the one way one is made. */
export function buildSecondStage(fields: SecondStageFields): SecondStage {
  return { ...fields, terms: classTerms(fields.coefficients) };
}

// z.number() itself refuses NaN and ±Infinity (classic zod's `.finite()` added nothing); the name keeps that visible.
const finite = z.number();
const pixelOffset = z.int().check(z.minimum(-27), z.maximum(27));
const probability = z.number().check(z.minimum(0), z.maximum(1));

/** The `secondStage` field of a format-2 model file. */
export const secondStageSchema = z.object({
  type: z.literal('shifted-support-vectors'),
  shifts: z.array(z.object({ dx: pixelOffset, dy: pixelOffset })).check(z.minLength(1), z.maxLength(64)),
  gap: finite.check(z.nonnegative()),
  slots: z.object({ count: z.int().check(z.positive()), encoding: z.literal('uint32le-base64'), data: z.string() }),
  coefficients: z.object({
    encoding: z.literal('float64le-base64'),
    layout: z.literal('entry-major'),
    data: z.string(),
  }),
  biases: z.array(finite).check(z.length(10)),
  calibration: z.object({ temperature: finite.check(z.positive()), fittedOn: z.string() }),
  routing: z.object({ fittedOn: z.string(), routedShare: z.nullable(probability) }),
});

export type SecondStageJson = z.infer<typeof secondStageSchema>;

/**
 * Makes a second stage from a validated file's fields and its arrays' bytes (little-endian uint32 slots, float64
 * coefficients), as views of those bytes with `options.inPlace` (see DecodeOptions); its slots are checked against
 * the first stage's support vectors by buildModel.
 * @throws MlError `MODEL_INVALID` when the arrays do not hold `slots.count` entries each
 */
export function secondStageFromParts(
  json: Omit<SecondStageJson, 'slots' | 'coefficients'> & { readonly slots: { readonly count: number } },
  arrays: { readonly slots: Uint8Array; readonly coefficients: Uint8Array },
  options: { readonly inPlace?: boolean } = {},
): SecondStage {
  const { slots: slotBytes, coefficients: coefBytes } = arrays;
  const count = json.slots.count;
  if (slotBytes.length !== count * 4 || coefBytes.length !== count * 80) {
    throw new MlError(
      'MODEL_INVALID',
      `secondStage holds ${slotBytes.length / 4} slots and ${coefBytes.length / 80} coefficient rows, expected ${count} of each`,
    );
  }
  return buildSecondStage({
    shifts: json.shifts.map(({ dx, dy }) => ({ dx, dy })),
    gap: json.gap,
    slots: options.inPlace ? viewUint32LE(slotBytes) : decodeUint32LE(slotBytes),
    coefficients: options.inPlace ? viewFloat64LE(coefBytes) : decodeFloat64LE(coefBytes),
    biases: [...json.biases],
    calibration: { ...json.calibration },
    routing: { ...json.routing },
  });
}

/** The `secondStage` field of a model file (the inverse of {@link secondStageFromParts}). */
export function serializeSecondStage(stage: SecondStage): SecondStageJson {
  return {
    type: 'shifted-support-vectors',
    shifts: stage.shifts.map(({ dx, dy }) => ({ dx, dy })),
    gap: stage.gap,
    slots: { count: stage.slots.length, encoding: 'uint32le-base64', data: encodeBase64(encodeUint32LE(stage.slots)) },
    coefficients: {
      encoding: 'float64le-base64',
      layout: 'entry-major',
      data: encodeBase64(encodeFloat64LE(stage.coefficients)),
    },
    biases: [...stage.biases],
    calibration: { ...stage.calibration },
    routing: { ...stage.routing },
  };
}

/** A model's support vectors and coefficients, as {@link shareShiftedSupportVectors} reads them. */
export interface StageModel {
  readonly supportVectorCount: number;
  readonly supportVectorPairs: PairMatrix;
  readonly coefficients: Float64Array;
  readonly biases: readonly number[];
  readonly kernel: PolyKernel;
}

/** 32-bit FNV-1a of a row's bytes: a Map key that is confirmed byte for byte on a hit. */
function rowHash(row: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < row.length; k++) h = Math.imul(h ^ (row[k] as number), 0x01000193);
  return h;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

const sameKernel = (a: PolyKernel, b: PolyKernel): boolean =>
  a.degree === b.degree && a.gamma === b.gamma && a.coef0 === b.coef0;

/**
 * Re-expresses `second` (trained on `first`'s support vectors and their moves) as slots into `first`'s support
 * vectors: each of its support vectors is found among first's, moved by each shift in turn (the first match wins).
 * @throws MlError `INVALID_ARGUMENT` when a support vector of `second` is no moved first-stage support vector, or the
 *   kernels differ
 */
export function shareShiftedSupportVectors(
  first: StageModel,
  second: StageModel,
  shifts: readonly PixelShift[],
): Pick<SecondStage, 'slots' | 'coefficients' | 'terms' | 'biases' | 'shifts'> {
  if (!sameKernel(first.kernel, second.kernel))
    throw new MlError('INVALID_ARGUMENT', 'the two stages use different kernels');
  const dim = first.supportVectorPairs.dim;
  const count = first.supportVectorCount;
  const rows = rowsFromPairMatrix(first.supportVectorPairs);
  // Slots by their moved row's hash, each checked against the row itself (moved again) on a hit; a moved row equal
  // to an earlier one keeps the earlier slot. (Rows as string keys cost 2 s of the shipped run's assembly: a
  // 784-argument String.fromCharCode per row.)
  const bySlotHash = new Map<number, number[]>();
  const scratch = new Uint8Array(dim);
  const find = (row: Uint8Array, hash: number): number | undefined =>
    bySlotHash.get(hash)?.find((slot) => {
      const i = slot % count;
      shiftImage(rows.subarray(i * dim, (i + 1) * dim), shifts[(slot - i) / count] as PixelShift, scratch);
      return sameBytes(scratch, row);
    });
  const moved = new Uint8Array(dim);
  shifts.forEach((shift, s) => {
    for (let i = 0; i < count; i++) {
      shiftImage(rows.subarray(i * dim, (i + 1) * dim), shift, moved);
      const hash = rowHash(moved);
      if (find(moved, hash) !== undefined) continue;
      const bucket = bySlotHash.get(hash);
      if (bucket === undefined) bySlotHash.set(hash, [s * count + i]);
      else bucket.push(s * count + i);
    }
  });
  const secondRows = rowsFromPairMatrix(second.supportVectorPairs);
  const slots = new Uint32Array(second.supportVectorCount);
  for (let e = 0; e < slots.length; e++) {
    const row = secondRows.subarray(e * dim, (e + 1) * dim);
    const slot = find(row, rowHash(row));
    if (slot === undefined) {
      throw new MlError(
        'INVALID_ARGUMENT',
        `support vector ${e} of the second stage is no first-stage support vector moved by one of the ${shifts.length} shifts`,
      );
    }
    slots[e] = slot;
  }
  return {
    shifts: shifts.map(({ dx, dy }) => ({ dx, dy })),
    slots,
    coefficients: Float64Array.from(second.coefficients),
    terms: classTerms(second.coefficients),
    biases: [...second.biases],
  };
}
