import { deskewAll } from '../ml/deskew.js';
import { pairMatrixFromRows, rowsFromPairMatrix } from '../ml/engine/pairs.js';
import { MlError } from '../ml/errors.js';
import { parseModel, serializeModel, type ModelTraining, type SvmModel } from '../ml/model.js';
import { DIGITS } from '../ml/ovr.js';
import { classTerms, type SecondStage } from '../ml/second-stage.js';
import { shiftImage } from '../ml/virtual-sv.js';
import { PIXELS } from '../shared/mnist.js';
import { solveWarm, warmProblem, type RowSource } from './warm-problem.js';

/** Labelled digits in MNIST form (what the model's input is: not yet deskewed), e.g. accepted corrections. */
export interface LabelledDigits {
  readonly count: number;
  /** count x 784 bytes. */
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
}

/** What the model card records about the corrections besides how many went in. */
export type FeedbackRecord = Omit<NonNullable<ModelTraining['feedback']>, 'digits' | 'seconds'>;

/** Options of {@link warmTrain}. */
export interface WarmTrainOptions {
  /** Kernel rows of each binary problem (the Node CLI gives the WebAssembly engine with a row cache). */
  readonly rowsFor: RowSource;
  /** What the model's `training.feedback` records (the digit count and seconds are filled in here). */
  readonly record: FeedbackRecord;
  /** KKT tolerance; the model's own by default. */
  readonly tolerance?: number;
  /** Solve from 0 instead of the model's multipliers: the same optimum, to measure what the warm start saves. */
  readonly cold?: boolean;
  readonly log?: (line: string) => void;
}

/** The grown model and what the solves did. */
export interface WarmTrainResult {
  readonly model: SvmModel;
  /** Digits that went in (those already among the support vectors are not added twice). */
  readonly added: number;
  readonly skipped: number;
  /** SMO iterations per digit: first stage, then the second (null for a one-stage model). */
  readonly iterations: { readonly first: number[]; readonly second: number[] | null };
  readonly seconds: number;
}

const key = (rows: Uint8Array, k: number): string =>
  String.fromCharCode(...rows.subarray(k * PIXELS, (k + 1) * PIXELS));

/** The new digits in the model's preprocessing, without those already stored as support vectors. */
function newRows(model: SvmModel, svRows: Uint8Array, digits: LabelledDigits): LabelledDigits & { skipped: number } {
  const pre = model.preprocessing.deskew ? deskewAll(digits.pixels, digits.count) : digits.pixels.slice();
  const seen = new Set<string>();
  for (let i = 0; i < model.supportVectorCount; i++) seen.add(key(svRows, i));
  const keep: number[] = [];
  for (let k = 0; k < digits.count; k++) {
    const id = key(pre, k);
    if (seen.has(id)) continue;
    seen.add(id);
    keep.push(k);
  }
  const pixels = new Uint8Array(keep.length * PIXELS);
  keep.forEach((k, j) => pixels.set(pre.subarray(k * PIXELS, (k + 1) * PIXELS), j * PIXELS));
  return {
    count: keep.length,
    pixels,
    labels: Uint8Array.from(keep, (k) => digits.labels[k] as number),
    skipped: digits.count - keep.length,
  };
}

/** Indices of the entries with a non-zero coefficient for digit c, and those coefficients. */
function digitTerms(coefficients: Float64Array, c: number): { entries: number[]; values: Float64Array } {
  const entries: number[] = [];
  for (let e = 0; e < coefficients.length / 10; e++) if ((coefficients[e * 10 + c] as number) !== 0) entries.push(e);
  return { entries, values: Float64Array.from(entries, (e) => coefficients[e * 10 + c] as number) };
}

/**
 * Adds labelled digits (accepted corrections) to a trained model without a full retrain: for each one-vs-rest
 * problem, SMO starts from the model's own multipliers on its support vectors with the new rows at 0 (alpha
 * seeding), so it only repairs what the new rows disturb.
 *
 * Both stages of a two-stage model learn them, each from the rows its own training had in kind: the first stage
 * gets the digits, the second (trained on support vectors and their one-pixel moves) the digits and their moves.
 * Teaching only one would not do: a digit the first stage reads confidently wrong never reaches the second, and
 * one it is unsure of is answered by the second. The digits join the first stage's support vectors (with zero
 * coefficients where its problems left them out) so the second stage's slots can point at them; the routing gap
 * and the confidence temperatures stay as fitted.
 *
 * @param model - The trained model (format 1 or 2).
 * @param digits - The new digits in MNIST form (the model's preprocessing is applied here).
 * @returns The grown model, its `training.feedback` filled in.
 * @throws MlError `INVALID_ARGUMENT` when there is nothing to add
 * @example const { model: next } = warmTrain(model, await store.export(), { rowsFor, record });
 */
export function warmTrain(model: SvmModel, digits: LabelledDigits, options: WarmTrainOptions): WarmTrainResult {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const tolerance = options.tolerance ?? model.training.tolerance;
  const svRows = rowsFromPairMatrix(model.supportVectorPairs);
  const add = newRows(model, svRows, digits);
  if (add.count === 0) {
    throw new MlError(
      'INVALID_ARGUMENT',
      digits.count === 0
        ? 'no digits to add: there are no accepted corrections'
        : `all ${digits.count} digits are already support vectors of the model: nothing new to add`,
    );
  }
  const count = model.supportVectorCount;
  const grown = count + add.count;
  const oldRow = (i: number, out: Uint8Array): void => out.set(svRows.subarray(i * PIXELS, (i + 1) * PIXELS));

  // First stage: the old support vectors of each problem, then the new digits.
  const coefficients = new Float64Array(grown * 10);
  const biases = [...model.biases];
  const firstIterations: number[] = [];
  for (const c of DIGITS) {
    const { entries, values } = digitTerms(model.coefficients, c);
    const problem = warmProblem(
      (k, out) => oldRow(entries[k] as number, out),
      values,
      add.pixels,
      Array.from(add.labels, (l) => l === c),
    );
    const solved = solveWarm(problem, model.training.C, tolerance, model.kernel, options.rowsFor, options.cold);
    entries.forEach((e, k) => (coefficients[e * 10 + c] = solved.coefficients[k] as number));
    for (let j = 0; j < add.count; j++)
      coefficients[(count + j) * 10 + c] = solved.coefficients[entries.length + j] as number;
    biases[c] = solved.bias;
    firstIterations.push(solved.iterations);
    log(`first stage, digit ${c}: ${entries.length} + ${add.count} rows, ${solved.iterations} iterations`);
  }
  const supportVectors = new Uint8Array(grown * PIXELS);
  supportVectors.set(svRows);
  supportVectors.set(add.pixels, count * PIXELS);

  const stage = model.secondStage;
  const second =
    stage === undefined
      ? null
      : growSecondStage(model, stage, add, oldRow, {
          tolerance,
          rowsFor: options.rowsFor,
          log,
          grown,
          cold: options.cold === true,
        });
  const seconds = (performance.now() - started) / 1000;
  const training: ModelTraining = {
    ...model.training,
    feedback: { ...options.record, digits: add.count, seconds },
  };
  const candidate: SvmModel = {
    ...model,
    supportVectorCount: grown,
    supportVectorPairs: pairMatrixFromRows(supportVectors, grown, PIXELS),
    coefficients,
    biases,
    training,
    evaluation: null,
    ...(second === null ? {} : { secondStage: second.stage }),
  };
  // Through the file format and back: the result is validated like any model file.
  return {
    model: parseModel(serializeModel(candidate)),
    added: add.count,
    skipped: add.skipped,
    iterations: { first: firstIterations, second: second?.iterations ?? null },
    seconds,
  };
}

interface SecondStageContext {
  readonly tolerance: number;
  readonly rowsFor: RowSource;
  readonly log: (line: string) => void;
  /** First-stage support vectors after the new digits were appended. */
  readonly grown: number;
  readonly cold: boolean;
}

/**
 * The second stage grown the same way: its support vectors of each problem (first-stage ones moved), then every
 * new digit under every move of the stage (the identity and the one-pixel moves, as its training set had them).
 */
function growSecondStage(
  model: SvmModel,
  stage: SecondStage,
  add: LabelledDigits,
  oldRow: (i: number, out: Uint8Array) => void,
  ctx: SecondStageContext,
): { stage: SecondStage; iterations: number[] } {
  const count = model.supportVectorCount;
  const moves = stage.shifts.length;
  const C = model.training.virtualSupportVectors?.C ?? model.training.C;
  const unmoved = new Uint8Array(PIXELS);
  const movedSlot = (slot: number, out: Uint8Array): void => {
    oldRow(slot % count, unmoved);
    shiftImage(unmoved, stage.shifts[Math.floor(slot / count)]!, out);
  };
  const newImages = new Uint8Array(moves * add.count * PIXELS);
  const newLabels = new Uint8Array(moves * add.count);
  for (let s = 0; s < moves; s++) {
    for (let j = 0; j < add.count; j++) {
      const r = s * add.count + j;
      shiftImage(
        add.pixels.subarray(j * PIXELS, (j + 1) * PIXELS),
        stage.shifts[s]!,
        newImages.subarray(r * PIXELS, (r + 1) * PIXELS),
      );
      newLabels[r] = add.labels[j] as number;
    }
  }
  const old = stage.slots.length;
  const all = new Float64Array((old + newLabels.length) * 10);
  const biases = [...stage.biases];
  const iterations: number[] = [];
  for (const c of DIGITS) {
    const { entries, values } = digitTerms(stage.coefficients, c);
    const problem = warmProblem(
      (k, out) => movedSlot(stage.slots[entries[k] as number] as number, out),
      values,
      newImages,
      Array.from(newLabels, (l) => l === c),
    );
    const solved = solveWarm(problem, C, ctx.tolerance, model.kernel, ctx.rowsFor, ctx.cold);
    entries.forEach((e, k) => (all[e * 10 + c] = solved.coefficients[k] as number));
    for (let r = 0; r < newLabels.length; r++)
      all[(old + r) * 10 + c] = solved.coefficients[entries.length + r] as number;
    biases[c] = solved.bias;
    iterations.push(solved.iterations);
    ctx.log(`second stage, digit ${c}: ${entries.length} + ${newLabels.length} rows, ${solved.iterations} iterations`);
  }
  // Slots are (move, first-stage support vector) numbered move-major, so the grown first stage renumbers them.
  const slotOf = (e: number): number => {
    if (e < old) {
      const slot = stage.slots[e] as number;
      return Math.floor(slot / count) * ctx.grown + (slot % count);
    }
    const r = e - old;
    return Math.floor(r / add.count) * ctx.grown + count + (r % add.count);
  };
  // Entries no problem uses any more are left out: each costs prediction time.
  const kept: number[] = [];
  for (let e = 0; e < all.length / 10; e++) if (all.subarray(e * 10, e * 10 + 10).some((v) => v !== 0)) kept.push(e);
  const coefficients = new Float64Array(kept.length * 10);
  kept.forEach((e, k) => coefficients.set(all.subarray(e * 10, e * 10 + 10), k * 10));
  return {
    stage: {
      ...stage,
      slots: Uint32Array.from(kept, slotOf),
      coefficients,
      terms: classTerms(coefficients),
      biases,
    },
    iterations,
  };
}
