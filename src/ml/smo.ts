import { assertNumberIn, MlError } from './errors.js';
import { computeRho } from './smo-rho.js';
import { shrink, unshrinkAll } from './smo-shrink.js';
import { initialState, unpackGradient } from './smo-state.js';
import { takeStep } from './smo-step.js';
import { warmState } from './smo-warm.js';
import type { BinarySolution, KernelRows, SmoOptions } from './smo-types.js';
import { selectWorkingSet } from './smo-working-set.js';

// The solver's steps live in smo-*.ts over one shared SmoState; this module stays the one entry point, so every
// importer (ovr, kernel-cache, the public index) keeps importing from smo.js.
export type { BinarySolution, KernelRows, SmoOptions, SmoProgress, SmoWorkspace } from './smo-types.js';

/** Stopping tolerance on the maximal KKT violation: LIBSVM's default `-e 0.001`. */
export const DEFAULT_TOLERANCE = 1e-3;

/** The options after defaults and checks. */
interface Resolved {
  readonly C: number;
  readonly eps: number;
  readonly shrinking: boolean;
  readonly maxIter: number;
  readonly progressEvery: number;
}

/**
 * Solves the C-SVC dual  min 1/2 a'Qa - e'a,  0 <= a_i <= C,  y'a = 0,  Q_ij = y_i y_j K_ij  with SMO, second-order
 * working-set selection (Fan, Chen & Lin 2005, "WSS 2"), shrinking and gradient reconstruction, following
 * LIBSVM's Solver (Chang & Lin 2011).
 *
 * @param rows kernel rows (shared across problems: they do not depend on the labels)
 * @param y labels, +1 or -1
 * @returns the multipliers, the bias and how the solve ended
 * @example solveBinarySvm(rows, y, { C: 1 })
 */
export function solveBinarySvm(rows: KernelRows, y: Int8Array, options: SmoOptions): BinarySolution {
  const { C, eps, shrinking, maxIter, progressEvery } = resolveOptions(rows, y, options);
  // A source shared by several solves (the ten digits of one thread) may still hold the last solve's narrowed set
  // and the rows it kept for its last reconstruction.
  rows.restrict?.(null, rows.n);
  rows.endPass?.(false);
  const s = options.initialAlpha
    ? warmState(rows, y, C, eps, options.initialAlpha, options.workspace)
    : initialState(rows, y, C, eps, options.workspace);
  const n = rows.n;
  let iter = 0;
  let counter = Math.min(n, 1000) + 1;
  let converged = true;
  for (;;) {
    if (iter >= maxIter) {
      converged = false;
      break;
    }
    if (--counter === 0) {
      counter = Math.min(n, 1000);
      if (shrinking) shrink(s);
    }
    if (!selectWorkingSet(s)) {
      unshrinkAll(s);
      if (!selectWorkingSet(s)) break;
      counter = 1; // shrink again on the next step
    }
    iter++;
    if (options.onProgress && iter % progressEvery === 0) {
      options.onProgress({ iterations: iter, activeSize: s.activeSize, gap: s.gap });
    }
    takeStep(s, s.i, s.j);
  }
  if (!converged) unshrinkAll(s);
  unpackGradient(s);
  const { rho, supportVectorCount } = computeRho(s);
  return { alpha: s.alpha, bias: -rho, iterations: iter, supportVectorCount, converged, gap: s.gap };
}

/** Checks labels and options and fills in the defaults. */
function resolveOptions(rows: KernelRows, y: Int8Array, options: SmoOptions): Resolved {
  const n = rows.n;
  if (y.length !== n) throw new MlError('INVALID_ARGUMENT', `labels: expected ${n}, got ${y.length}`);
  for (let t = 0; t < n; t++) {
    if (y[t] !== 1 && y[t] !== -1)
      throw new MlError('INVALID_ARGUMENT', `label ${t} is ${y[t]}; binary labels must be +1 or -1`);
  }
  assertNumberIn(options.C, 1e-12, 1e12, 'C');
  const eps = options.tolerance ?? DEFAULT_TOLERANCE;
  assertNumberIn(eps, 1e-12, 1, 'tolerance');
  return {
    C: options.C,
    eps,
    shrinking: options.shrinking ?? true,
    maxIter: options.maxIterations ?? Math.max(10_000_000, 100 * n),
    progressEvery: options.progressEvery ?? 5000,
  };
}
