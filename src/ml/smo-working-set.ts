import { IN_LOW, IN_UP, TAU, type SmoState } from './smo-state.js';

/**
 * WSS 2: i maximises the violation -y_t G_t over I_up; j minimises the second-order objective decrease. Sets
 * `s.gap`, and `s.i`, `s.j` when it returns true.
 * @returns false when the active set is optimal within eps (or no j exists)
 */
export function selectWorkingSet(s: SmoState): boolean {
  const { active, activeSize, packed } = s;
  // The packed arrays hold active[a]'s values at a: contiguous reads instead of gathers by variable index (the
  // same values in the same order, so the same choice).
  const { G, y, side, QD } = packed;
  let Gmax = -Infinity;
  let Gmax2 = -Infinity;
  let iPos = -1;
  if (s.nextReady) {
    // takeStep found i while it updated the gradient, and the active set has not changed since.
    Gmax = s.nextGmax;
    iPos = s.nextI === -1 ? -1 : (s.position[s.nextI] as number);
    s.nextReady = false;
  } else {
    for (let a = 0; a < activeSize; a++) {
      const v = -(y[a] as number) * (G[a] as number);
      if (((side[a] as number) & IN_UP) !== 0 && v >= Gmax) {
        Gmax = v;
        iPos = a;
      }
    }
  }
  let jPos = -1;
  let objDiffMin = Infinity;
  const results = s.results;
  if (iPos !== -1) {
    const Ki = s.rows.row(active[iPos] as number);
    const Qii = QD[iPos] as number;
    if (results !== null && Ki.buffer === results.workspace.buffer) {
      // The same loop in WebAssembly (engine/wasm/smo-loops.ts), branch-free.
      results.workspace.loops.selectJ(
        activeSize,
        Gmax,
        Qii,
        Ki.byteOffset,
        active.byteOffset,
        G.byteOffset,
        y.byteOffset,
        side.byteOffset,
        QD.byteOffset,
        results.value.byteOffset,
      );
      Gmax2 = results.value[0] as number;
      jPos = results.position[0] as number;
    } else {
      for (let a = 0; a < activeSize; a++) {
        if (((side[a] as number) & IN_LOW) === 0) continue;
        // y_t G_t: G_t for y = +1, -G_t for y = -1, as both label cases of WSS 2 compare it.
        const v = (y[a] as number) * (G[a] as number);
        if (v >= Gmax2) Gmax2 = v;
        const gradDiff = Gmax + v;
        if (gradDiff > 0) {
          // Curvature K_ii + K_tt - 2 K_it holds for both label cases once the y factors cancel.
          const quad = Qii + (QD[a] as number) - 2 * (Ki[active[a] as number] as number);
          const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
          if (objDiff <= objDiffMin) {
            jPos = a;
            objDiffMin = objDiff;
          }
        }
      }
    }
  }
  s.gap = Gmax + Gmax2;
  if (s.gap < s.eps || jPos === -1) return false;
  s.i = active[iPos] as number;
  s.j = active[jPos] as number;
  return true;
}
