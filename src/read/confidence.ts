/**
 * How likely a whole reading is right, from two things the reader knows: how sure the model is of each digit (the
 * product of their confidences) and how much the search doubted the way it cut the picture into digits (what its
 * path cost beyond the digits' own doubt: the one-digit check's doubt, cuts through ink, stroke splits, wide pieces,
 * skipped marks). Readings the product alone put at 0.9 or more were right 93-94% of the time on the independent
 * sets (two digits parted through their strokes kept their near-certain figures); a logistic fit of both on
 * the tuning pictures is right about as often as it says (docs/BENCHMARKS.md, "2026-12-05, how sure a reading is").
 * Fitted by scripts/fit-reading-confidence.ts (logistic regression: exact whole reading or not) on the tuning split
 * (`npm run bench:read -- --digits tune --save DIR`, 1,600 pictures) and a tuning set built like the independent
 * sets, outside the repository (800 touching and canvas pictures of MNIST test digits 0-4999).
 */
const DIGITS_WEIGHT = 0.317;
const DOUBT_WEIGHT = 0.425;
const BIAS = 1.072;
/** The product's log-odds count up to this: a near-certain product (log-odds 20 and more) does not outweigh the doubt. */
const MAX_DIGITS_LOGIT = 12;

/**
 * The probability that a reading is right as a whole, never above the product of its digits' confidences (a reading
 * is no surer than its digits together, even where the fit would say so for a doubtful digit).
 * @param digitConfidences each read digit's confidence
 * @param doubt the search's cost of the reading beyond the digits' own doubt (>= 0)
 * @returns a probability in [0, 1]
 */
export function readingConfidence(digitConfidences: readonly number[], doubt: number): number {
  const product = digitConfidences.reduce((p, c) => p * c, 1);
  if (product <= 0) return 0;
  const z = DIGITS_WEIGHT * digitsLogit(product) - DOUBT_WEIGHT * Math.max(0, doubt) + BIAS;
  return Math.min(product, 1 / (1 + Math.exp(-z)));
}

/**
 * The log-odds of the digits' product as readingConfidence counts them (at most MAX_DIGITS_LOGIT).
 * @param product the product of the digits' confidences, in (0, 1]
 */
export function digitsLogit(product: number): number {
  return product >= 1 ? MAX_DIGITS_LOGIT : Math.min(MAX_DIGITS_LOGIT, Math.log(product / (1 - product)));
}
