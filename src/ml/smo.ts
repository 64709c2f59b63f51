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

/**
 * Solves the C-SVC dual  min 1/2 a'Qa - e'a,  0 <= a_i <= C,  y'a = 0,  Q_ij = y_i y_j K_ij  with SMO, second-order
 * working-set selection (Fan, Chen & Lin 2005, "WSS 2"), shrinking and gradient reconstruction, following
 * LIBSVM's Solver (Chang & Lin 2011).
 *
 * @param rows kernel rows (shared across problems: they do not depend on the labels)
 * @param y labels, +1 or -1
 * @example solveBinarySvm(rows, y, { C: 1 })
 */
export function solveBinarySvm(rows: KernelRows, y: Int8Array, options: SmoOptions): BinarySolution {
  const n = rows.n;
  if (y.length !== n) throw new MlError('INVALID_ARGUMENT', `labels: expected ${n}, got ${y.length}`);
  for (let t = 0; t < n; t++) {
    if (y[t] !== 1 && y[t] !== -1) throw new MlError('INVALID_ARGUMENT', `label ${t} is ${y[t]}; binary labels must be +1 or -1`);
  }
  assertNumberIn(options.C, 1e-12, 1e12, 'C');
  const C = options.C;
  const eps = options.tolerance ?? DEFAULT_TOLERANCE;
  assertNumberIn(eps, 1e-12, 1, 'tolerance');
  const shrinking = options.shrinking ?? true;
  const maxIter = options.maxIterations ?? Math.max(10_000_000, 100 * n);
  const progressEvery = options.progressEvery ?? 5000;
  const QD = rows.diag;

  const alpha = new Float64Array(n);
  const status = new Uint8Array(n); // all LOWER
  const G = new Float64Array(n).fill(-1); // gradient of the objective: Qa - e
  const Gbar = new Float64Array(n); // sum over upper-bound j of C Q_jt, so unshrinking is cheap
  const active = new Int32Array(n);
  for (let t = 0; t < n; t++) active[t] = t;
  let activeSize = n;
  let unshrink = false;

  const setStatus = (t: number): void => {
    const a = alpha[t] as number;
    status[t] = a >= C ? UPPER : a <= 0 ? LOWER : FREE;
  };

  // Fills G for the inactive variables from Gbar and the free variables' rows (LIBSVM reconstruct_gradient).
  const reconstructGradient = (): void => {
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
  };

  const restoreAll = (): void => {
    for (let t = 0; t < n; t++) active[t] = t;
    activeSize = n;
  };

  // Maximal violating pair bounds over the active set: Gmax1 over I_up, Gmax2 over I_low.
  const doShrinking = (): void => {
    let Gmax1 = -Infinity;
    let Gmax2 = -Infinity;
    for (let a = 0; a < activeSize; a++) {
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
    if (!unshrink && Gmax1 + Gmax2 <= eps * 10) {
      unshrink = true;
      reconstructGradient();
      restoreAll();
    }
    let kept = 0;
    for (let a = 0; a < activeSize; a++) {
      const t = active[a] as number;
      const g = G[t] as number;
      const st = status[t];
      let shrink = false;
      if (st === UPPER) shrink = y[t] === 1 ? -g > Gmax1 : -g > Gmax2;
      else if (st === LOWER) shrink = y[t] === 1 ? g > Gmax2 : g > Gmax1;
      if (!shrink) active[kept++] = t;
    }
    activeSize = kept;
  };

  let outI = -1;
  let outJ = -1;
  let lastGap = Infinity;
  // WSS 2: i maximises the violation -y_t G_t over I_up; j minimises the second-order objective decrease.
  const selectWorkingSet = (): boolean => {
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
      const Ki = rows.row(iIdx);
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
    lastGap = Gmax + Gmax2;
    if (lastGap < eps || jIdx === -1) return false;
    outI = iIdx;
    outJ = jIdx;
    return true;
  };

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
      if (shrinking) doShrinking();
    }
    if (!selectWorkingSet()) {
      reconstructGradient();
      restoreAll();
      if (!selectWorkingSet()) break;
      counter = 1; // shrink again on the next step
    }
    iter++;
    if (options.onProgress && iter % progressEvery === 0) {
      options.onProgress({ iterations: iter, activeSize, gap: lastGap });
    }
    const i = outI;
    const j = outJ;
    const Ki = rows.row(i);
    const Kj = rows.row(j);
    const yi = y[i] as number;
    const yj = y[j] as number;
    const Qij = yi * yj * (Kj[i] as number);
    const oldAi = alpha[i] as number;
    const oldAj = alpha[j] as number;
    let ai = oldAi;
    let aj = oldAj;
    if (yi !== yj) {
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
    setStatus(i);
    setStatus(j);
    updateGbar(wasUpperI, status[i] === UPPER, Ki, yi);
    updateGbar(wasUpperJ, status[j] === UPPER, Kj, yj);
  }

  function updateGbar(wasUpper: boolean, isUpper: boolean, K: Float32Array, yk: number): void {
    if (wasUpper === isUpper) return;
    const s = (isUpper ? C : -C) * yk;
    for (let t = 0; t < n; t++) Gbar[t] = (Gbar[t] as number) + s * (y[t] as number) * (K[t] as number);
  }

  if (!converged) {
    reconstructGradient();
    restoreAll();
  }

  // rho: mean of y_t G_t over free variables, else the midpoint of the feasible interval (LIBSVM calculate_rho).
  let ub = Infinity;
  let lb = -Infinity;
  let sumFree = 0;
  let nFree = 0;
  let svCount = 0;
  for (let t = 0; t < n; t++) {
    const yG = (y[t] as number) * (G[t] as number);
    const st = status[t];
    if (st !== LOWER) svCount++;
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
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  return { alpha, bias: -rho, iterations: iter, supportVectorCount: svCount, converged, gap: lastGap };
}
