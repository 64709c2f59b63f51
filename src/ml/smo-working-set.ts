import { IN_LOW, IN_UP, TAU, type SmoState } from './smo-state.js';

/**
 * WSS 2: i maximises the violation -y_t G_t over I_up; j minimises the second-order objective decrease. Sets
 * `s.gap`, and `s.i`, `s.j` when it returns true.
 * @returns false when the active set is optimal within eps (or no j exists)
 */
export function selectWorkingSet(s: SmoState): boolean {
  const { active, activeSize, G, side, y, QD } = s;
  let Gmax = -Infinity;
  let Gmax2 = -Infinity;
  let iIdx = -1;
  if (s.nextReady) {
    // takeStep found i while it updated the gradient, and the active set has not changed since.
    Gmax = s.nextGmax;
    iIdx = s.nextI;
    s.nextReady = false;
  } else {
    for (let a = 0; a < activeSize; a++) {
      const t = active[a] as number;
      const v = -(y[t] as number) * (G[t] as number);
      if (((side[t] as number) & IN_UP) !== 0 && v >= Gmax) {
        Gmax = v;
        iIdx = t;
      }
    }
  }
  let jIdx = -1;
  let objDiffMin = Infinity;
  if (iIdx !== -1) {
    const Ki = s.rows.row(iIdx);
    const Qii = QD[iIdx] as number;
    for (let a = 0; a < activeSize; a++) {
      const t = active[a] as number;
      if (((side[t] as number) & IN_LOW) === 0) continue;
      // y_t G_t: G_t for y = +1, -G_t for y = -1, as both label cases of WSS 2 compare it.
      const v = (y[t] as number) * (G[t] as number);
      if (v >= Gmax2) Gmax2 = v;
      const gradDiff = Gmax + v;
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
