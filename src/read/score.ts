import { softmaxConfidence } from '../ml/calibration.js';
import { deskew } from '../ml/deskew.js';
import { createJsEngine } from '../ml/engine/js-engine.js';
import type { ModelEngine } from '../ml/engine/types.js';
import type { SvmModel } from '../ml/model.js';
import type { DigitEvidence } from './digit-like.js';
import { digitLogit, type DigitOrNot } from './digit-or-not.js';

/**
 * First-stage scores of every candidate piece in one engine call: the path search compares candidates, and the
 * first stage's decision values rank them as well as the second's at a fraction of the cost (the second stage
 * reruns an unsure image against more support vectors, and most candidates that are not digits are unsure). The
 * pieces the path keeps are then classified again with predictBatch, so each digit's answer is exactly a single
 * upload's.
 * @param model the model
 * @param images 784-byte MNIST pictures
 * @param engine the backend (the plain-JavaScript reference when omitted)
 * @param net the digit-or-not network, which also judges each picture
 * @returns each picture's scores, first-stage confidence and digit log-odds
 */
export function firstStageEvidence(
  model: SvmModel,
  images: readonly Uint8Array[],
  engine: ModelEngine | undefined,
  net: DigitOrNot,
): DigitEvidence[] {
  if (images.length === 0) return [];
  const dim = model.dim;
  const batch = new Uint8Array(images.length * dim);
  images.forEach((image, b) => {
    const row = batch.subarray(b * dim, (b + 1) * dim);
    if (model.preprocessing.deskew) deskew(image, row);
    else row.set(image);
  });
  const out = new Float64Array(images.length * 10);
  (engine ?? createJsEngine(model)).decisionValues(batch, images.length, out);
  return images.map((_, b) => {
    const scores = Array.from(out.subarray(b * 10, b * 10 + 10));
    let best = 0;
    for (let c = 1; c < 10; c++) if ((scores[c] as number) > (scores[best] as number)) best = c;
    return {
      scores,
      confidence: softmaxConfidence(scores, best, model.calibration.temperature),
      digitLogit: digitLogit(net, batch.subarray(b * dim, (b + 1) * dim), scores),
    };
  });
}
