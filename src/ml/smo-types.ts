/**
 * Where the solver gets kernel values: `row(i)` is K(x_i, x_t) for every t. A returned row must stay valid until
 * two further `row` calls have been made (the solver holds rows i and j of one step at a time).
 */
export interface KernelRows {
  readonly n: number;
  /** K(x_i, x_i). */
  readonly diag: Float64Array;
  row(i: number): Float32Array;
}

/** Options of one binary soft-margin SVM. */
export interface SmoOptions {
  /** Box constraint: 0 <= alpha_i <= C. */
  readonly C: number;
  /** Stopping tolerance on the maximal KKT violation (LIBSVM's eps, 1e-3 by default). */
  readonly tolerance?: number;
  /** Temporarily drop variables stuck at a bound (Joachims 1999; LIBSVM's heuristic). Default true. */
  readonly shrinking?: boolean;
  /** Hard stop; the solution is then flagged `converged: false`. Default max(10^7, 100 n) as in LIBSVM. */
  readonly maxIterations?: number;
  /** Called every `progressEvery` iterations (default 5000). */
  readonly onProgress?: (progress: SmoProgress) => void;
  readonly progressEvery?: number;
  /**
   * Start from these multipliers instead of 0 (alpha seeding): a feasible point, e.g. an earlier solution with
   * new rows at 0, so the solve only repairs what the new rows disturb. Copied, not modified.
   */
  readonly initialAlpha?: Float64Array;
}

/** A snapshot of the solver's state, passed to `onProgress` every `progressEvery` iterations. */
export interface SmoProgress {
  readonly iterations: number;
  readonly activeSize: number;
  /** Current maximal violation m(alpha) - M(alpha); the solver stops below `tolerance`. */
  readonly gap: number;
}

/** The dual solution: decision f(x) = sum_i alpha_i y_i K(x_i, x) + bias. */
export interface BinarySolution {
  readonly alpha: Float64Array;
  readonly bias: number;
  readonly iterations: number;
  readonly supportVectorCount: number;
  readonly converged: boolean;
  /** Final maximal KKT violation over all variables. */
  readonly gap: number;
}
