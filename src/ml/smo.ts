import { assertNumberIn, MlError } from './errors.js';

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

/** Stopping tolerance on the maximal KKT violation: LIBSVM's default `-e 0.001`. */
export const DEFAULT_TOLERANCE = 1e-3;
/** LIBSVM's TAU: a floor for the curvature of a non-positive-definite pair. */
const TAU = 1e-12;

const LOWER = 0;
const UPPER = 1;
const FREE = 2;

/** The solver's working state (LIBSVM's Solver fields), shared by the steps below. */
interface SmoState {
  readonly n: number;
  readonly rows: KernelRows;
  readonly y: Int8Array;
  readonly C: number;
  readonly eps: number;
  /** K(x_t, x_t): Q's diagonal once the y factors cancel. */
  readonly QD: Float64Array;
  readonly alpha: Float64Array;
  /** LOWER, UPPER or FREE per variable, kept in step with alpha. */
  readonly status: Uint8Array;
  /** Gradient of the objective: Qa - e. */
  readonly G: Float64Array;
  /** Sum over upper-bound j of C Q_jt, so unshrinking is cheap. */
  readonly Gbar: Float64Array;
  /** The active (unshrunk) variables are active[0..activeSize). */
  readonly active: Int32Array;
  activeSize: number;
  /** Set once the gap first falls within 10 eps: the one time the whole gradient is rebuilt while shrinking. */
  unshrink: boolean;
  /** The working set of the last successful selection, and the gap it measured. */
  i: number;
  j: number;
  gap: number;
}

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
  const s = initialState(rows, y, C, eps);
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

/** alpha = 0 (every variable at its lower bound), so G = -e, Gbar = 0, and every variable active. */
function initialState(rows: KernelRows, y: Int8Array, C: number, eps: number): SmoState {
  const n = rows.n;
  const active = new Int32Array(n);
  for (let t = 0; t < n; t++) active[t] = t;
  return {
    n,
    rows,
    y,
    C,
    eps,
    QD: rows.diag,
    alpha: new Float64Array(n),
    status: new Uint8Array(n), // all LOWER
    G: new Float64Array(n).fill(-1),
    Gbar: new Float64Array(n),
    active,
    activeSize: n,
    unshrink: false,
    i: -1,
    j: -1,
    gap: Infinity,
  };
}

/** Fills G for the inactive variables from Gbar and the free variables' rows (LIBSVM reconstruct_gradient). */
function reconstructGradient(s: SmoState): void {
  const { n, active, activeSize, G, Gbar, status, alpha, y, rows } = s;
  if (activeSize === n) return;
  const inactive: number[] = [];
  const isActive = new Uint8Array(n);
  for (let a = 0; a < activeSize; a++) isActive[active[a] as number] = 1;
  for (let t = 0; t < n; t++) {
    if (!isActive[t]) {
      inactive.push(t);
      G[t] = (Gbar[t] as number) - 1;
    }
  }
  for (let a = 0; a < activeSize; a++) {
    const i = active[a] as number;
    if (status[i] !== FREE) continue;
    const Ki = rows.row(i);
    const ai = (alpha[i] as number) * (y[i] as number);
    for (const t of inactive) G[t] = (G[t] as number) + ai * (y[t] as number) * (Ki[t] as number);
  }
}

/** Rebuilds the whole gradient and makes every variable active again. */
function unshrinkAll(s: SmoState): void {
  reconstructGradient(s);
  for (let t = 0; t < s.n; t++) s.active[t] = t;
  s.activeSize = s.n;
}

/**
 * Drops from the active set the variables at a bound that cannot join a violating pair (Joachims 1999, LIBSVM
 * do_shrinking), from the maximal violating pair bounds over the active set: Gmax1 over I_up, Gmax2 over I_low.
 */
function shrink(s: SmoState): void {
  const { active, G, status, y } = s;
  let Gmax1 = -Infinity;
  let Gmax2 = -Infinity;
  for (let a = 0; a < s.activeSize; a++) {
    const t = active[a] as number;
    const g = G[t] as number;
    const st = status[t];
    if (y[t] === 1) {
      if (st !== UPPER && -g > Gmax1) Gmax1 = -g;
      if (st !== LOWER && g > Gmax2) Gmax2 = g;
    } else {
      if (st !== UPPER && -g > Gmax2) Gmax2 = -g;
      if (st !== LOWER && g > Gmax1) Gmax1 = g;
    }
  }
  if (!s.unshrink && Gmax1 + Gmax2 <= s.eps * 10) {
    s.unshrink = true;
    unshrinkAll(s);
  }
  let kept = 0;
  for (let a = 0; a < s.activeSize; a++) {
    const t = active[a] as number;
    const g = G[t] as number;
    const st = status[t];
    let drop = false;
    if (st === UPPER) drop = y[t] === 1 ? -g > Gmax1 : -g > Gmax2;
    else if (st === LOWER) drop = y[t] === 1 ? g > Gmax2 : g > Gmax1;
    if (!drop) active[kept++] = t;
  }
  s.activeSize = kept;
}

/**
 * WSS 2: i maximises the violation -y_t G_t over I_up; j minimises the second-order objective decrease. Sets
 * `s.gap`, and `s.i`, `s.j` when it returns true.
 * @returns false when the active set is optimal within eps (or no j exists)
 */
function selectWorkingSet(s: SmoState): boolean {
  const { active, activeSize, G, status, y, QD } = s;
  let Gmax = -Infinity;
  let Gmax2 = -Infinity;
  let iIdx = -1;
  for (let a = 0; a < activeSize; a++) {
    const t = active[a] as number;
    if (y[t] === 1) {
      if (status[t] !== UPPER && -(G[t] as number) >= Gmax) {
        Gmax = -(G[t] as number);
        iIdx = t;
      }
    } else if (status[t] !== LOWER && (G[t] as number) >= Gmax) {
      Gmax = G[t] as number;
      iIdx = t;
    }
  }
  let jIdx = -1;
  let objDiffMin = Infinity;
  if (iIdx !== -1) {
    const Ki = s.rows.row(iIdx);
    const Qii = QD[iIdx] as number;
    for (let a = 0; a < activeSize; a++) {
      const t = active[a] as number;
      const g = G[t] as number;
      let gradDiff: number;
      if (y[t] === 1) {
        if (status[t] === LOWER) continue;
        gradDiff = Gmax + g;
        if (g >= Gmax2) Gmax2 = g;
      } else {
        if (status[t] === UPPER) continue;
        gradDiff = Gmax - g;
        if (-g >= Gmax2) Gmax2 = -g;
      }
      if (gradDiff > 0) {
        // Curvature K_ii + K_tt - 2 K_it holds for both label cases once the y factors cancel.
        const quad = Qii + (QD[t] as number) - 2 * (Ki[t] as number);
        const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
        if (objDiff <= objDiffMin) {
          jIdx = t;
          objDiffMin = objDiff;
        }
      }
    }
  }
  s.gap = Gmax + Gmax2;
  if (s.gap < s.eps || jIdx === -1) return false;
  s.i = iIdx;
  s.j = jIdx;
  return true;
}

/** One SMO step on the pair (i, j): the analytic two-variable solution, then G, the statuses and Gbar. */
function takeStep(s: SmoState, i: number, j: number): void {
  const { alpha, y, G, status, active, activeSize } = s;
  const Ki = s.rows.row(i);
  const Kj = s.rows.row(j);
  const yi = y[i] as number;
  const yj = y[j] as number;
  const oldAi = alpha[i] as number;
  const oldAj = alpha[j] as number;
  const [ai, aj] = solvePair(s, i, j, yi * yj * (Kj[i] as number));
  alpha[i] = ai;
  alpha[j] = aj;
  // G_t += Q_ti dA_i + Q_tj dA_j with Q_ti = y_t y_i K_ti.
  const di = (ai - oldAi) * yi;
  const dj = (aj - oldAj) * yj;
  for (let a = 0; a < activeSize; a++) {
    const t = active[a] as number;
    G[t] = (G[t] as number) + (y[t] as number) * (di * (Ki[t] as number) + dj * (Kj[t] as number));
  }
  const wasUpperI = status[i] === UPPER;
  const wasUpperJ = status[j] === UPPER;
  setStatus(s, i);
  setStatus(s, j);
  updateGbar(s, wasUpperI, status[i] === UPPER, Ki, yi);
  updateGbar(s, wasUpperJ, status[j] === UPPER, Kj, yj);
}

/**
 * The new (alpha_i, alpha_j): the unconstrained optimum along the constraint line y'a = 0, clipped to the box
 * [0, C]^2 (Platt 1998; LIBSVM's two cases, y_i != y_j and y_i == y_j).
 * @param Qij y_i y_j K_ij
 */
function solvePair(s: SmoState, i: number, j: number, Qij: number): [number, number] {
  const { alpha, y, G, QD, C } = s;
  let ai = alpha[i] as number;
  let aj = alpha[j] as number;
  if (y[i] !== y[j]) {
    let quad = (QD[i] as number) + (QD[j] as number) + 2 * Qij;
    if (quad <= 0) quad = TAU;
    const delta = (-(G[i] as number) - (G[j] as number)) / quad;
    const diff = ai - aj;
    ai += delta;
    aj += delta;
    if (diff > 0) {
      if (aj < 0) {
        aj = 0;
        ai = diff;
      }
    } else if (ai < 0) {
      ai = 0;
      aj = -diff;
    }
    if (diff > 0) {
      if (ai > C) {
        ai = C;
        aj = C - diff;
      }
    } else if (aj > C) {
      aj = C;
      ai = C + diff;
    }
  } else {
    let quad = (QD[i] as number) + (QD[j] as number) - 2 * Qij;
    if (quad <= 0) quad = TAU;
    const delta = ((G[i] as number) - (G[j] as number)) / quad;
    const sum = ai + aj;
    ai -= delta;
    aj += delta;
    if (sum > C) {
      if (ai > C) {
        ai = C;
        aj = sum - C;
      }
    } else if (aj < 0) {
      aj = 0;
      ai = sum;
    }
    if (sum > C) {
      if (aj > C) {
        aj = C;
        ai = sum - C;
      }
    } else if (ai < 0) {
      ai = 0;
      aj = sum;
    }
  }
  return [ai, aj];
}

function setStatus(s: SmoState, t: number): void {
  const a = s.alpha[t] as number;
  s.status[t] = a >= s.C ? UPPER : a <= 0 ? LOWER : FREE;
}

/** Keeps Gbar = sum over upper-bound j of C Q_jt when variable k enters or leaves the upper bound. */
function updateGbar(s: SmoState, wasUpper: boolean, isUpper: boolean, K: Float32Array, yk: number): void {
  if (wasUpper === isUpper) return;
  const { n, Gbar, y } = s;
  const c = (isUpper ? s.C : -s.C) * yk;
  for (let t = 0; t < n; t++) Gbar[t] = (Gbar[t] as number) + c * (y[t] as number) * (K[t] as number);
}

/**
 * rho: mean of y_t G_t over free variables, else the midpoint of the feasible interval (LIBSVM calculate_rho);
 * and the number of support vectors (alpha > 0).
 */
function computeRho(s: SmoState): { rho: number; supportVectorCount: number } {
  const { n, y, G, status } = s;
  let ub = Infinity;
  let lb = -Infinity;
  let sumFree = 0;
  let nFree = 0;
  let supportVectorCount = 0;
  for (let t = 0; t < n; t++) {
    const yG = (y[t] as number) * (G[t] as number);
    const st = status[t];
    if (st !== LOWER) supportVectorCount++;
    if (st === UPPER) {
      if (y[t] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (st === LOWER) {
      if (y[t] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nFree++;
      sumFree += yG;
    }
  }
  return { rho: nFree > 0 ? sumFree / nFree : (ub + lb) / 2, supportVectorCount };
}
