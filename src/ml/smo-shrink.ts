import { FREE, LOWER, UPPER, type SmoState } from './smo-state.js';

/** Fills G for the inactive variables from Gbar and the free variables' rows (LIBSVM reconstruct_gradient). */
function reconstructGradient(s: SmoState): void {
  const { n, active, activeSize, G, Gbar, status, alpha, y, rows } = s;
  if (activeSize === n) return;
  const inactive = new Int32Array(n - activeSize);
  const isActive = new Uint8Array(n);
  for (let a = 0; a < activeSize; a++) isActive[active[a] as number] = 1;
  for (let t = 0, k = 0; t < n; t++) {
    if (!isActive[t]) {
      inactive[k++] = t;
      G[t] = (Gbar[t] as number) - 1;
    }
  }
  for (let a = 0; a < activeSize; a++) {
    const i = active[a] as number;
    if (status[i] !== FREE) continue;
    const Ki = rows.fullRow ? rows.fullRow(i) : rows.row(i);
    const ai = (alpha[i] as number) * (y[i] as number);
    for (let k = 0; k < inactive.length; k++) {
      const t = inactive[k] as number;
      G[t] = (G[t] as number) + ai * (y[t] as number) * (Ki[t] as number);
    }
  }
}

/** Rebuilds the whole gradient and makes every variable active again. */
export function unshrinkAll(s: SmoState): void {
  s.nextReady = false;
  reconstructGradient(s);
  for (let t = 0; t < s.n; t++) s.active[t] = t;
  s.activeSize = s.n;
  s.rows.restrict?.(null, s.n);
}

/**
 * Drops from the active set the variables at a bound that cannot join a violating pair (Joachims 1999, LIBSVM
 * do_shrinking), from the maximal violating pair bounds over the active set: Gmax1 over I_up, Gmax2 over I_low.
 */
export function shrink(s: SmoState): void {
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
  s.nextReady = false;
  s.rows.restrict?.(active, kept);
}
