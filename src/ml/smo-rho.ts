import { LOWER, UPPER, type SmoState } from './smo-state.js';

/**
 * rho: mean of y_t G_t over free variables, else the midpoint of the feasible interval (LIBSVM calculate_rho);
 * and the number of support vectors (alpha > 0).
 */
export function computeRho(s: SmoState): { rho: number; supportVectorCount: number } {
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
