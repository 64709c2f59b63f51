import { MlError } from './errors.js';
import type { ModelEvaluation, SvmModel } from './model.js';
import type { ModelEngine } from './engine/types.js';
import { predictBatch } from './predict.js';
import { PIXELS } from '../shared/mnist.js';

/** Accuracy and confusion matrix of `predicted` against `labels` (digits 0..9). */
export function scorePredictions(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  dataset: string,
): ModelEvaluation {
  if (predicted.length !== labels.length || labels.length === 0) {
    throw new MlError(
      'INVALID_ARGUMENT',
      `need as many predictions as labels (got ${predicted.length} and ${labels.length})`,
    );
  }
  const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  let correct = 0;
  for (let k = 0; k < labels.length; k++) {
    const t = labels[k] as number;
    const p = predicted[k] as number;
    (confusion[t] as number[])[p] = ((confusion[t] as number[])[p] as number) + 1;
    if (t === p) correct++;
  }
  return { dataset, count: labels.length, accuracy: correct / labels.length, confusion };
}

/** Per-digit accuracy (recall) from a confusion matrix; NaN for a digit with no examples. */
export function perDigitAccuracy(confusion: readonly (readonly number[])[]): number[] {
  return confusion.map((row, digit) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? Number.NaN : (row[digit] as number) / total;
  });
}

/**
 * Predicts `count` 28x28 images and scores them.
 * @param images count x 784 bytes (raw MNIST form: the model deskews)
 * @param engine the kernel engine made for `model`; the JavaScript reference when omitted (same answers)
 */
export function evaluateModel(
  model: SvmModel,
  images: Uint8Array,
  labels: Uint8Array,
  dataset: string,
  engine?: ModelEngine,
): ModelEvaluation {
  const count = labels.length;
  const predicted = new Uint8Array(count);
  let secondStageReads = 0;
  const batch = 64;
  for (let k = 0; k < count; k += batch) {
    const chunk = Array.from({ length: Math.min(batch, count - k) }, (_, b) =>
      images.subarray((k + b) * PIXELS, (k + b + 1) * PIXELS),
    );
    predictBatch(model, chunk, engine).forEach((p, b) => {
      predicted[k + b] = p.digit;
      if (p.stage === 2) secondStageReads++;
    });
  }
  const evaluation = scorePredictions(predicted, labels, dataset);
  return model.secondStage ? { ...evaluation, secondStageReads } : evaluation;
}

/** Formats a confusion matrix as a Markdown table (rows: true digit, columns: predicted). */
export function formatConfusion(confusion: readonly (readonly number[])[]): string {
  const header = `| true \\ predicted | ${confusion.map((_, k) => k).join(' | ')} |`;
  const rule = `|---|${confusion.map(() => '---:').join('|')}|`;
  const rows = confusion.map((row, t) => `| **${t}** | ${row.join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}
