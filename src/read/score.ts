import { softmaxConfidence } from '../ml/calibration.js';
import { deskew } from '../ml/deskew.js';
import { createJsEngine } from '../ml/engine/js-engine.js';
import type { ModelEngine } from '../ml/engine/types.js';
import type { SvmModel } from '../ml/model.js';
import type { DigitEvidence } from './digit-like.js';
import { digitLogit, digitOrNot, loneGlyphNet } from './digit-or-not.js';
import { oneDigitLogit, oneDigitNet } from './one-digit.js';

/** A picture for {@link firstStageEvidence}, and which checks judge it. */
export interface PieceToScore {
  /** 784-byte MNIST picture. */
  readonly picture: Uint8Array;
  /** Its shape in its number (one-digit.ts pieceShape) when it is a candidate of the search: the one-digit check. */
  readonly shape?: Float32Array;
  /** A piece judged whole for the word rule (words.ts): the digit-or-not check. */
  readonly whole?: boolean;
}

/**
 * First-stage scores of every candidate piece in one engine call: the path search compares candidates, and the
 * first stage's decision values rank them as well as the second's at a fraction of the cost (the second stage
 * reruns an unsure image against more support vectors, and most candidates that are not digits are unsure). The
 * pieces the path keeps are then classified again with predictBatch, so each digit's answer is exactly a single
 * upload's. Each network check runs only where its answer is read.
 * @param model the model
 * @param pieces the pictures, with what judges each
 * @param engine the backend (the plain-JavaScript reference when omitted)
 * @returns each picture's scores, first-stage confidence and the log-odds of its checks
 */
export function firstStageEvidence(
  model: SvmModel,
  pieces: readonly PieceToScore[],
  engine: ModelEngine | undefined,
): DigitEvidence[] {
  if (pieces.length === 0) return [];
  const dim = model.dim;
  const batch = new Uint8Array(pieces.length * dim);
  pieces.forEach(({ picture }, b) => {
    const row = batch.subarray(b * dim, (b + 1) * dim);
    if (model.preprocessing.deskew) deskew(picture, row);
    else row.set(picture);
  });
  const out = new Float64Array(pieces.length * 10);
  (engine ?? createJsEngine(model)).decisionValues(batch, pieces.length, out);
  return pieces.map(({ shape, whole }, b) => {
    const scores = Array.from(out.subarray(b * 10, b * 10 + 10));
    let best = 0;
    for (let c = 1; c < 10; c++) if ((scores[c] as number) > (scores[best] as number)) best = c;
    const deskewed = batch.subarray(b * dim, (b + 1) * dim);
    const confidence = softmaxConfidence(scores, best, model.calibration.temperature);
    const oneDigit =
      shape === undefined ? {} : { oneDigitLogit: oneDigitLogit(oneDigitNet(), deskewed, scores, shape) };
    if (whole !== true) return { scores, confidence, ...oneDigit };
    let lone: number | undefined;
    return {
      scores,
      confidence,
      digitLogit: digitLogit(digitOrNot(), deskewed, scores),
      // Read for a word of one piece only (words.ts), so worked out when first read: most whole pieces stand in words
      // of several. (A getter in the object itself: spread from another object, it would be read there and then.)
      get loneGlyphLogit() {
        return (lone ??= digitLogit(loneGlyphNet(), deskewed, scores));
      },
      ...oneDigit,
    };
  });
}
