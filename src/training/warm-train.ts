import { deskewAll } from '../ml/deskew.js';
import { pairMatrixFromRows, rowsFromPairMatrix } from '../ml/engine/pairs.js';
import { MlError } from '../ml/errors.js';
import { withModelFields, type ModelTraining, type SvmModel } from '../ml/model.js';
import { DIGITS } from '../ml/ovr.js';
import { classTerms, type SecondStage } from '../ml/second-stage.js';
import { shiftImage } from '../ml/virtual-sv.js';
import { PIXELS } from '../shared/mnist.js';
import { warmProblem, type WarmJob, type WarmSolution, type WarmSolver } from './warm-problem.js';

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
  /** Solves the binary problems: in this thread (solveInThisThread) or on threads (warm-threads.ts). */
  readonly solve: WarmSolver;
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
export async function warmTrain(
  model: SvmModel,
  digits: LabelledDigits,
  options: WarmTrainOptions,
): Promise<WarmTrainResult> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
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
  const common = {
    tolerance: options.tolerance ?? model.training.tolerance,
    kernel: model.kernel,
    cold: options.cold === true,
  };
  const oldRow = (i: number, out: Uint8Array): void => out.set(svRows.subarray(i * PIXELS, (i + 1) * PIXELS));
  // First stage: the old support vectors of each problem, then the new digits.
  const first = stageJobs(model.coefficients, oldRow, add, { ...common, C: model.training.C });
  const stage = model.secondStage;
  const moved = stage === undefined ? null : movedRows(stage, add);
  const second =
    stage === undefined || moved === null
      ? null
      : stageJobs(stage.coefficients, movedSlotRow(stage, count, oldRow), moved, {
          ...common,
          C: model.training.virtualSupportVectors?.C ?? model.training.C,
        });
  // Both stages' problems at once: the second does not depend on the first, and a pool of threads balances them.
  const solutions = await options.solve([...first.jobs, ...(second?.jobs ?? [])]);
  const one = stageAnswer(first, solutions.slice(0, 10), count, add.count);
  for (const c of DIGITS)
    log(`first stage, digit ${c}: ${first.entries[c]!.length} + ${add.count} rows, ${one.iterations[c]} iterations`);
  const two =
    stage === undefined || second === null || moved === null
      ? null
      : stageAnswer(second, solutions.slice(10), stage.slots.length, moved.count);
  if (two !== null)
    for (const c of DIGITS)
      log(
        `second stage, digit ${c}: ${second!.entries[c]!.length} + ${moved!.count} rows, ${two.iterations[c]} iterations`,
      );

  const supportVectors = new Uint8Array(grown * PIXELS);
  supportVectors.set(svRows);
  supportVectors.set(add.pixels, count * PIXELS);
  const seconds = (performance.now() - started) / 1000;
  const candidate = withModelFields(model, {
    supportVectorPairs: pairMatrixFromRows(supportVectors, grown, PIXELS),
    coefficients: one.coefficients,
    biases: one.biases,
    training: { ...model.training, feedback: { ...options.record, digits: add.count, seconds } },
    evaluation: null,
    ...(stage === undefined || two === null
      ? {}
      : { secondStage: grownSecondStage(stage, two, count, grown, add.count) }),
  });
  return {
    model: candidate,
    added: add.count,
    skipped: add.skipped,
    iterations: { first: one.iterations, second: two?.iterations ?? null },
    seconds,
  };
}

/** One stage's ten problems, and which old entries (support vectors or slots) each problem's first rows are. */
interface StageJobs {
  readonly jobs: WarmJob[];
  readonly entries: number[][];
}

/** The ten one-vs-rest problems of a stage: each digit's old entries with their multipliers, then the new rows. */
function stageJobs(
  coefficients: Float64Array,
  oldImage: (entry: number, out: Uint8Array) => void,
  rows: LabelledDigits,
  job: Omit<WarmJob, 'problem'>,
): StageJobs {
  const entries: number[][] = [];
  const jobs = DIGITS.map((c) => {
    const { entries: mine, values } = digitTerms(coefficients, c);
    entries.push(mine);
    const problem = warmProblem(
      (k, out) => oldImage(mine[k] as number, out),
      values,
      rows.pixels,
      Array.from(rows.labels, (l) => l === c),
    );
    return { ...job, problem };
  });
  return { jobs, entries };
}

/** A stage's solutions put back together: (old + new entries) x 10 coefficients, entry-major, and the biases. */
function stageAnswer(
  stage: StageJobs,
  solutions: readonly WarmSolution[],
  old: number,
  added: number,
): { coefficients: Float64Array; biases: number[]; iterations: number[] } {
  const coefficients = new Float64Array((old + added) * 10);
  const biases: number[] = [];
  const iterations: number[] = [];
  for (const c of DIGITS) {
    const solved = solutions[c] as WarmSolution;
    const mine = stage.entries[c] as number[];
    mine.forEach((e, k) => (coefficients[e * 10 + c] = solved.coefficients[k] as number));
    for (let j = 0; j < added; j++) coefficients[(old + j) * 10 + c] = solved.coefficients[mine.length + j] as number;
    biases.push(solved.bias);
    iterations.push(solved.iterations);
  }
  return { coefficients, biases, iterations };
}

/** The second stage's image of slot `slot`: first-stage support vector `slot % count` moved by its shift. */
function movedSlotRow(
  stage: SecondStage,
  count: number,
  oldRow: (i: number, out: Uint8Array) => void,
): (entry: number, out: Uint8Array) => void {
  const unmoved = new Uint8Array(PIXELS);
  return (entry, out) => {
    const slot = stage.slots[entry] as number;
    oldRow(slot % count, unmoved);
    shiftImage(unmoved, stage.shifts[Math.floor(slot / count)]!, out);
  };
}

/** Every new digit under every move of the second stage (the identity and the one-pixel moves), move-major. */
function movedRows(stage: SecondStage, add: LabelledDigits): LabelledDigits {
  const moves = stage.shifts.length;
  const pixels = new Uint8Array(moves * add.count * PIXELS);
  const labels = new Uint8Array(moves * add.count);
  for (let s = 0; s < moves; s++) {
    for (let j = 0; j < add.count; j++) {
      const r = s * add.count + j;
      shiftImage(
        add.pixels.subarray(j * PIXELS, (j + 1) * PIXELS),
        stage.shifts[s]!,
        pixels.subarray(r * PIXELS, (r + 1) * PIXELS),
      );
      labels[r] = add.labels[j] as number;
    }
  }
  return { count: moves * add.count, pixels, labels };
}

/**
 * The grown second stage as slots into the grown first stage. Slots are (move, first-stage support vector)
 * numbered move-major, so the old ones are renumbered for the longer first stage, and new row r (move r / added of
 * new digit r % added) points at that digit, stored after the old support vectors. Entries no problem uses any
 * more are left out: each costs prediction time.
 */
function grownSecondStage(
  stage: SecondStage,
  answer: { coefficients: Float64Array; biases: number[] },
  count: number,
  grown: number,
  added: number,
): SecondStage {
  const old = stage.slots.length;
  const all = answer.coefficients;
  const slotOf = (e: number): number => {
    if (e < old) {
      const slot = stage.slots[e] as number;
      return Math.floor(slot / count) * grown + (slot % count);
    }
    const r = e - old;
    return Math.floor(r / added) * grown + count + (r % added);
  };
  const kept: number[] = [];
  for (let e = 0; e < all.length / 10; e++) if (all.subarray(e * 10, e * 10 + 10).some((v) => v !== 0)) kept.push(e);
  const coefficients = new Float64Array(kept.length * 10);
  kept.forEach((e, k) => coefficients.set(all.subarray(e * 10, e * 10 + 10), k * 10));
  return {
    ...stage,
    slots: Uint32Array.from(kept, slotOf),
    coefficients,
    terms: classTerms(coefficients),
    biases: answer.biases,
  };
}
