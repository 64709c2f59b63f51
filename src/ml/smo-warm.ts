import { MlError } from './errors.js';
import { FREE, initialState, LOWER, pack, sideOf, UPPER, type SmoState } from './smo-state.js';
import type { KernelRows, SmoWorkspace } from './smo-types.js';

/**
 * The solver's state at a given feasible alpha (alpha seeding, DeCoste & Wagstaff 2000): G = Q alpha - e and
 * Gbar = C sum over upper-bound j of Q_j, as LIBSVM's Solver builds them from a non-zero start. It costs one kernel
 * row per non-zero alpha, the price of a warm start; the solve then only moves what the new rows disturb.
 * @param rows - The kernel rows of the (grown) problem.
 * @param y - Labels, +1 or -1.
 * @param C - Box constraint.
 * @param eps - Stopping tolerance.
 * @param alpha - The start: 0 <= alpha <= C and y'alpha = 0 (e.g. an earlier solution, new rows at 0).
 * @param workspace - Where the loops may run in WebAssembly (SmoOptions.workspace).
 * @returns The state, every variable active.
 * @throws MlError `INVALID_ARGUMENT` when `alpha` has the wrong length or is not feasible
 */
export function warmState(
  rows: KernelRows,
  y: Int8Array,
  C: number,
  eps: number,
  alpha: Float64Array,
  workspace?: SmoWorkspace,
): SmoState {
  const n = rows.n;
  if (alpha.length !== n) {
    throw new MlError('INVALID_ARGUMENT', `initialAlpha: expected ${n} values, got ${alpha.length}`);
  }
  const s = initialState(rows, y, C, eps, workspace);
  let balance = 0;
  let scale = 0;
  for (let t = 0; t < n; t++) {
    const a = alpha[t]!;
    if (!(a >= 0 && a <= C)) {
      throw new MlError('INVALID_ARGUMENT', `initialAlpha[${t}] = ${a} is outside [0, C = ${C}]`);
    }
    balance += a * y[t]!;
    scale += a;
  }
  // y'alpha = 0 up to rounding: an earlier solution satisfies it to ~1e-12 of its sum.
  if (Math.abs(balance) > 1e-9 * Math.max(1, scale)) {
    throw new MlError('INVALID_ARGUMENT', `initialAlpha is not feasible: sum of y_i alpha_i is ${balance}, not 0`);
  }
  s.alpha.set(alpha);
  for (let i = 0; i < n; i++) {
    const a = alpha[i]!;
    s.status[i] = a >= C ? UPPER : a <= 0 ? LOWER : FREE;
    s.side[i] = sideOf(y[i]!, s.status[i]!);
    if (a === 0) continue;
    const row = rows.fullRow ? rows.fullRow(i) : rows.row(i);
    const yi = y[i]!;
    const upper = s.status[i] === UPPER;
    for (let t = 0; t < n; t++) {
      const q = yi * y[t]! * row[t]!;
      s.G[t]! += a * q;
      if (upper) s.Gbar[t]! += C * q;
    }
  }
  pack(s);
  return s;
}
