/**
 * Error bounds for comparing a floating-point result with its definition computed another way.
 *
 * A relative tolerance on the result (|got - want| <= eps * |want|) is wrong for sums whose terms cancel: two terms
 * of 1e12 that cancel to 1e-9 leave a rounding error of about 1e12 * 2^-53, far above 1e-9 * eps. The error of a
 * computed sum is bounded by the size of its terms instead (Higham, "Accuracy and Stability of Numerical
 * Algorithms", 2nd ed., 2002, section 4.2 and lemma 3.1): for n terms summed in any order,
 * |computed - exact| <= gamma(n - 1) * sum |term|, with gamma(k) = k u / (1 - k u) and u = 2^-53.
 */

/** Unit roundoff of binary64: the largest relative error of one rounded operation. */
export const UNIT_ROUNDOFF = 2 ** -53;

/** Higham's gamma(k) = k u / (1 - k u): the relative error bound of k rounded operations in sequence. */
export function gamma(k: number): number {
  const ku = k * UNIT_ROUNDOFF;
  if (ku >= 1) throw new RangeError(`gamma(${k}) is undefined: k u must be below 1`);
  return ku / (1 - ku);
}

/**
 * The largest difference between two float64 evaluations of the same sum, each in its own order.
 * @param magnitudes sum of |term| over the terms, itself computed in float64
 * @param terms number of terms summed
 * @param roundingsPerTerm rounded operations inside one term before it is added (products, powers: a power t^d of
 *   a t that carries k roundings carries d k + d - 1)
 * @returns 2 g (1 + g) magnitudes with g = gamma(terms - 1 + roundingsPerTerm): each evaluation is within
 *   g * exact magnitudes of the exact sum, and the computed magnitudes are within (1 + g) of the exact ones
 */
export function sumDifferenceBound(magnitudes: number, terms: number, roundingsPerTerm: number): number {
  const g = gamma(Math.max(terms - 1, 0) + roundingsPerTerm);
  return 2 * g * (1 + g) * magnitudes;
}
