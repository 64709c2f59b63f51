import type { Prediction } from '../ml/predict.js';

/**
 * How unlike a digit a classified piece is, as a cost the path search adds up (lower is more digit-like).
 *
 * Two signals. The calibrated confidence says how sure the model is between digits; it stays high for a letter
 * that resembles one digit more than the others, so alone it reads "TAXI" as digits. The top one-vs-rest decision
 * value says how far the piece is on the digit's side of that digit's SVM boundary: real digits sit near or past
 * the margin (+1), letters, dashes and halves of digits well below it. Constants chosen on compositions of MNIST
 * test digits 0-4999 and printed words (`npm run bench:read -- --tune`).
 */
export const DIGIT_COST = Object.freeze({
  /** Every digit read costs this much, so two fragments of one digit do not read as two digits for free. */
  perDigit: 0.6,
  /** Weight of the shortfall of the top decision value below `margin`. */
  marginWeight: 2.5,
  margin: 0.2,
  /** A piece costing more than this as a digit is left out as "not a digit" (the search may skip it for this). */
  skip: 3.2,
});

/**
 * The cost of reading a classified piece as a digit.
 * @param prediction the model's answer for the piece's 28x28 picture
 * @returns the cost (>= perDigit)
 */
export function digitCost(prediction: Prediction): number {
  const top = prediction.scores[prediction.digit] ?? -Infinity;
  return (
    DIGIT_COST.perDigit -
    Math.log(Math.max(prediction.confidence, 1e-12)) +
    DIGIT_COST.marginWeight * Math.max(0, DIGIT_COST.margin - top)
  );
}

/** A 28x28 picture whose solid ink box is at least this many pixels on both sides... */
const BLOB_SIDE = 12;
/** ...whose ink is one run in every row and every column (convex-like: no hole, no arm)... */
/** ...and fills this share of its box (a diamond 50%, a disc 79%) is a blob: a dot or a smudge enlarged. */
const BLOB_FILL = 0.45;

/**
 * Whether the normalized picture is a filled blob (a dot enlarged to the 20 px box), which no digit is. Digits
 * have a hole, an arm or a bend (a row or a column crossing two strokes), or are thin bars; of the 10,000 MNIST
 * test digits 2 (two 1s drawn as thick diagonal bars) pass all three tests.
 * @param pixels 784 bytes, MNIST form
 * @returns true for a blob
 */
export function isBlob(pixels: Uint8Array): boolean {
  let minX = 28;
  let minY = 28;
  let maxX = -1;
  let maxY = -1;
  let inked = 0;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      if (pixels[y * 28 + x]! < 128) continue;
      inked++;
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  }
  const w = maxX - minX + 1;
  const h = maxY - minY + 1;
  if (w < BLOB_SIDE || h < BLOB_SIDE || inked < BLOB_FILL * w * h) return false;
  return singleRuns(pixels, 1, 28) && singleRuns(pixels, 28, 1);
}

/** Whether every line (rows: step 1, lines 28 apart; columns: step 28, lines 1 apart) has at most one run of ink. */
function singleRuns(pixels: Uint8Array, step: number, lineStep: number): boolean {
  for (let line = 0; line < 28; line++) {
    let runs = 0;
    let previous = false;
    for (let k = 0; k < 28; k++) {
      const on = pixels[line * lineStep + k * step]! >= 128;
      if (on && !previous) runs++;
      previous = on;
    }
    if (runs > 1) return false;
  }
  return true;
}

/**
 * Whether a piece the model classified is not a digit at all (a letter, a dash, a dot, a scribble): what the reader
 * leaves out of a number, and what a single-digit answer should refuse rather than name a confident digit for.
 * @param pixels the piece's 28x28 picture (MNIST form)
 * @param prediction the model's answer for it
 * @returns true when the piece should not be read as a digit
 * @example if (isNotADigit(pixels, predict(model, pixels))) throw new ImageError('NO_DIGIT_FOUND', ...)
 */
export function isNotADigit(pixels: Uint8Array, prediction: Prediction): boolean {
  return isBlob(pixels) || digitCost(prediction) > DIGIT_COST.skip;
}
