import type { PolyKernel } from '../ml/kernel.js';
import { solveBinarySvm, type KernelRows } from '../ml/smo.js';
import { PIXELS } from '../shared/mnist.js';

/** Makes the kernel rows of `n` preprocessed images (the caller picks the engine and the cache budget). */
export type RowSource = (images: Uint8Array, n: number, kernel: PolyKernel) => KernelRows;

/**
 * One binary problem grown by new rows: the old support vectors with their multipliers, then the new rows at 0.
 * Dropping the rows whose multiplier was 0 keeps the old solution optimal on the rows that stay, and new rows at 0
 * keep it feasible (y'alpha unchanged), so SMO can start from it (alpha seeding, DeCoste & Wagstaff 2000).
 */
export interface WarmProblem {
  /** n x 784 preprocessed images: old support vectors first, then the new rows. */
  readonly images: Uint8Array;
  readonly y: Int8Array;
  /** The start: |coefficient| of each old support vector, 0 for each new row. */
  readonly alpha: Float64Array;
}

/** One problem to solve, with everything its solve needs (a plain value: it can be posted to a thread). */
export interface WarmJob {
  readonly problem: WarmProblem;
  readonly C: number;
  readonly tolerance: number;
  readonly kernel: PolyKernel;
  /** Start from 0 instead (see {@link solveWarm}). */
  readonly cold: boolean;
}

/** Solves a list of jobs, answers in the same order: in this thread, or spread over threads (warm-threads.ts). */
export type WarmSolver = (jobs: readonly WarmJob[]) => Promise<WarmSolution[]>;

/** A solver that runs the jobs one after the other in this thread, each on `rowsFor`'s kernel rows. */
export function solveInThisThread(rowsFor: RowSource): WarmSolver {
  return (jobs) => Promise.resolve(jobs.map((j) => solveWarm(j.problem, j.C, j.tolerance, j.kernel, rowsFor, j.cold)));
}

/** A solved warm problem: alpha_i * y_i per row (0 off the support vectors), the bias and the iterations taken. */
export interface WarmSolution {
  readonly coefficients: Float64Array;
  readonly bias: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Builds a warm problem from old coefficients (alpha_i * y_i, whose sign is the label) and new rows with labels.
 * @param oldImage - Writes old row k's image into its 784-byte argument.
 * @param oldCoefficients - alpha_i * y_i of each old support vector, none 0.
 * @param newImages - The new rows, m x 784.
 * @param newPositive - Whether each new row is on the +1 side.
 */
export function warmProblem(
  oldImage: (k: number, out: Uint8Array) => void,
  oldCoefficients: Float64Array,
  newImages: Uint8Array,
  newPositive: readonly boolean[],
): WarmProblem {
  const old = oldCoefficients.length;
  const n = old + newPositive.length;
  const images = new Uint8Array(n * PIXELS);
  const y = new Int8Array(n);
  const alpha = new Float64Array(n);
  for (let k = 0; k < old; k++) {
    oldImage(k, images.subarray(k * PIXELS, (k + 1) * PIXELS));
    const c = oldCoefficients[k] as number;
    y[k] = c > 0 ? 1 : -1;
    alpha[k] = Math.abs(c);
  }
  images.set(newImages, old * PIXELS);
  newPositive.forEach((positive, j) => {
    y[old + j] = positive ? 1 : -1;
  });
  return { images, y, alpha: balanced(alpha, y) };
}

/**
 * The start with y'alpha exactly 0: a solution read back from a file balances to rounding error (about 1e-13 of
 * its sum), which the solver's feasibility check allows, but the remainder is taken off the largest multiplier
 * of the heavier side so no drift accumulates over repeated warm starts.
 */
function balanced(alpha: Float64Array, y: Int8Array): Float64Array {
  let balance = 0;
  for (let t = 0; t < alpha.length; t++) balance += (alpha[t] as number) * (y[t] as number);
  if (balance === 0) return alpha;
  let best = -1;
  for (let t = 0; t < alpha.length; t++) {
    if (Math.sign(y[t] as number) !== Math.sign(balance)) continue;
    if (best === -1 || (alpha[t] as number) > (alpha[best] as number)) best = t;
  }
  if (best !== -1 && (alpha[best] as number) >= Math.abs(balance))
    alpha[best] = (alpha[best] as number) - Math.abs(balance);
  return alpha;
}

/**
 * Solves a warm problem from its start.
 * @param C - The box constraint the old solution was found with (its multipliers are within it).
 * @param cold - Start from 0 instead, what a full retrain of these rows would do (to measure what the start saves).
 */
export function solveWarm(
  problem: WarmProblem,
  C: number,
  tolerance: number,
  kernel: PolyKernel,
  rowsFor: RowSource,
  cold = false,
): WarmSolution {
  const n = problem.y.length;
  const rows = rowsFor(problem.images, n, kernel);
  const solution = solveBinarySvm(
    rows,
    problem.y,
    cold ? { C, tolerance } : { C, tolerance, initialAlpha: problem.alpha },
  );
  const coefficients = new Float64Array(n);
  for (let t = 0; t < n; t++) coefficients[t] = (solution.alpha[t] as number) * (problem.y[t] as number);
  return {
    coefficients,
    bias: solution.bias,
    iterations: solution.iterations,
    converged: solution.converged,
  };
}
