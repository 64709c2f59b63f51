import { MlError } from './errors.js';
import { solveBinarySvm, type KernelRows, type SmoOptions, type SmoProgress } from './smo.js';

/** The digits a one-vs-rest model separates, in score order. */
export const DIGITS: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** One binary problem's result, kept sparse: only the support vectors. */
export interface ClassSolution {
  readonly digit: number;
  /** Training-set indices of the support vectors, ascending. */
  readonly indices: Int32Array;
  /** alpha_i * y_i for each index. */
  readonly coefficients: Float64Array;
  readonly bias: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly gap: number;
  readonly seconds: number;
}

/** Options of every binary problem, plus progress callbacks. */
export interface OvrOptions extends Omit<SmoOptions, 'onProgress'> {
  readonly onProgress?: (digit: number, progress: SmoProgress) => void;
}

/**
 * Solves "digit vs the rest" on the shared kernel rows.
 * @param labels training labels 0..9, one per kernel row
 */
export function solveDigit(rows: KernelRows, labels: Uint8Array, digit: number, options: OvrOptions): ClassSolution {
  if (labels.length !== rows.n)
    throw new MlError('INVALID_ARGUMENT', `expected ${rows.n} labels, got ${labels.length}`);
  const y = new Int8Array(labels.length);
  let positives = 0;
  for (let t = 0; t < labels.length; t++) {
    y[t] = labels[t] === digit ? 1 : -1;
    if (y[t] === 1) positives++;
  }
  if (positives === 0 || positives === labels.length) {
    throw new MlError('INVALID_ARGUMENT', `digit ${digit}: the training set needs examples of it and of other digits`);
  }
  const started = performance.now();
  const { onProgress, ...smo } = options;
  const solution = solveBinarySvm(rows, y, onProgress ? { ...smo, onProgress: (p) => onProgress(digit, p) } : smo);
  const indices: number[] = [];
  for (let t = 0; t < y.length; t++) if ((solution.alpha[t] as number) > 0) indices.push(t);
  const coefficients = new Float64Array(indices.length);
  indices.forEach((t, k) => {
    coefficients[k] = (solution.alpha[t] as number) * (y[t] as number);
  });
  return {
    digit,
    indices: Int32Array.from(indices),
    coefficients,
    bias: solution.bias,
    iterations: solution.iterations,
    converged: solution.converged,
    gap: solution.gap,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Trains the ten one-vs-rest problems one after the other on one kernel row source (single thread; the Node
 * trainer runs the same `solveDigit` on worker threads over a shared cache).
 */
export function trainOneVsRest(rows: KernelRows, labels: Uint8Array, options: OvrOptions): ClassSolution[] {
  return DIGITS.map((digit) => solveDigit(rows, labels, digit, options));
}
