import { FREE, IN_UP, LOWER, sideOf, TAU, UPPER, type SmoState } from './smo-state.js';

/** One SMO step on the pair (i, j): the analytic two-variable solution, then G, the statuses and Gbar. */
export function takeStep(s: SmoState, i: number, j: number): void {
  const { alpha, y, status, active, activeSize, packed } = s;
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
  const wasUpperI = status[i] === UPPER;
  const wasUpperJ = status[j] === UPPER;
  setStatus(s, i);
  setStatus(s, j);
  // The gradient update also finds the next selection's i (selectWorkingSet's first loop, the same comparisons in
  // the same order over the same values, so the same choice): one pass over the active set instead of two. The
  // 10 solves of the shipped first stage spent 28% of their time in selectWorkingSet.
  // -y_t G_t is the violation both label cases compare (-G_t for y = +1, G_t for y = -1: negating is exact).
  // The active variables' gradient, labels and sides are read packed (SmoState.packed); the rows by variable.
  const { G, side } = packed;
  const yp = packed.y;
  let Gmax = -Infinity;
  let next = -1;
  const results = s.results;
  if (results !== null && Ki.buffer === results.workspace.buffer && Kj.buffer === results.workspace.buffer) {
    // The same loop in WebAssembly (engine/wasm/smo-loops.ts), branch-free.
    results.workspace.loops.updateGradient(
      activeSize,
      di,
      dj,
      Ki.byteOffset,
      Kj.byteOffset,
      active.byteOffset,
      G.byteOffset,
      yp.byteOffset,
      side.byteOffset,
      results.value.byteOffset,
    );
    Gmax = results.value[0] as number;
    next = results.position[0] as number;
  } else {
    for (let a = 0; a < activeSize; a++) {
      const t = active[a] as number;
      const yt = yp[a] as number;
      const g = (G[a] as number) + yt * (di * (Ki[t] as number) + dj * (Kj[t] as number));
      G[a] = g;
      const v = -yt * g;
      if (((side[a] as number) & IN_UP) !== 0 && v >= Gmax) {
        Gmax = v;
        next = a;
      }
    }
  }
  s.nextI = next === -1 ? -1 : (active[next] as number);
  s.nextGmax = Gmax;
  s.nextReady = true;
  updateGbar(s, wasUpperI, status[i] === UPPER, i, Ki, yi);
  updateGbar(s, wasUpperJ, status[j] === UPPER, j, Kj, yj);
}

/**
 * The new (alpha_i, alpha_j): the unconstrained optimum along the constraint line y'a = 0, clipped to the box
 * [0, C]^2 (Platt 1998; LIBSVM's two cases, y_i != y_j and y_i == y_j).
 * @param Qij y_i y_j K_ij
 */
function solvePair(s: SmoState, i: number, j: number, Qij: number): [number, number] {
  const { alpha, y, QD, C, position } = s;
  const G = s.packed.G;
  const Gi = G[position[i] as number] as number;
  const Gj = G[position[j] as number] as number;
  let ai = alpha[i] as number;
  let aj = alpha[j] as number;
  if (y[i] !== y[j]) {
    let quad = (QD[i] as number) + (QD[j] as number) + 2 * Qij;
    if (quad <= 0) quad = TAU;
    const delta = (-Gi - Gj) / quad;
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
    const delta = (Gi - Gj) / quad;
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
  const st = a >= s.C ? UPPER : a <= 0 ? LOWER : FREE;
  s.status[t] = st;
  const side = sideOf(s.y[t] as number, st);
  s.side[t] = side;
  s.packed.side[s.position[t] as number] = side;
}

/** Keeps Gbar = sum over upper-bound j of C Q_jt when variable k enters or leaves the upper bound. */
function updateGbar(s: SmoState, wasUpper: boolean, isUpper: boolean, k: number, Kk: Float32Array, yk: number): void {
  if (wasUpper === isUpper) return;
  const { n, Gbar, y } = s;
  // Gbar is kept for every variable, active or not: the whole row (recomputed in place when only its active part
  // was, so the step's other row stays where it is).
  const K = s.rows.fullRow ? s.rows.fullRow(k) : Kk;
  const c = (isUpper ? s.C : -s.C) * yk;
  for (let t = 0; t < n; t++) Gbar[t] = (Gbar[t] as number) + c * (y[t] as number) * (K[t] as number);
}
