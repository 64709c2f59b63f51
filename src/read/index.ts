// TEMPORARY local stand-in until the reader branch lands (not committed).
import { decodeImage, normalizeDigit, resolveImageLimits, rgbaToLuminance } from '../image/index.js';
import type { GrayImage } from '../image/gray.js';
import type { ImageLimits } from '../image/limits.js';
import { applyOrientation } from '../image/orientation.js';
import type { ModelEngine } from '../ml/engine/types.js';
import type { SvmModel } from '../ml/model.js';
import { predict, type Prediction } from '../ml/predict.js';
import { CodedError } from '../shared/coded-error.js';
import type { Reading, ReadDigit, ReadLimits, SkippedPiece } from './types.js';
export type * from './types.js';

export const DEFAULT_READ_LIMITS: ReadLimits = { maxPieces: 32, maxDigits: 32 };
export type ReadErrorCode = 'NO_DIGIT_FOUND' | 'TOO_MANY_PIECES' | 'TOO_MANY_DIGITS';
export class ReadError extends CodedError<ReadErrorCode> {
  override readonly name = 'ReadError';
}
export function isNotADigit(_pixels: Uint8Array, prediction: Prediction): boolean {
  return prediction.confidence < 0.5;
}
export function readDigits(
  gray: GrayImage,
  model: SvmModel,
  engine?: ModelEngine,
  limits: Partial<ReadLimits> = {},
): Omit<Reading, 'source'> {
  const { maxPieces, maxDigits } = { ...DEFAULT_READ_LIMITS, ...limits };
  const { width, height, data } = gray;
  const sorted = Float32Array.from(data).sort();
  const bg = sorted[sorted.length >> 1]!;
  const ink = new Uint8Array(width * height);
  for (let i = 0; i < ink.length; i++) ink[i] = Math.abs(data[i]! - bg) > 0.25 ? 1 : 0;
  const label = new Int32Array(width * height);
  const boxes: { x0: number; y0: number; x1: number; y1: number; n: number }[] = [];
  const stack: number[] = [];
  for (let i = 0; i < ink.length; i++) {
    if (!ink[i] || label[i]) continue;
    const b = { x0: width, y0: height, x1: 0, y1: 0, n: 0 };
    boxes.push(b);
    if (boxes.length > maxPieces * 4) throw new ReadError('TOO_MANY_PIECES', `more than ${maxPieces} pieces of ink`);
    label[i] = boxes.length;
    stack.push(i);
    while (stack.length) {
      const p = stack.pop()!;
      const x = p % width,
        y = (p / width) | 0;
      b.n++;
      b.x0 = Math.min(b.x0, x);
      b.x1 = Math.max(b.x1, x);
      b.y0 = Math.min(b.y0, y);
      b.y1 = Math.max(b.y1, y);
      for (const q of [p - 1, p + 1, p - width, p + width]) {
        if (q < 0 || q >= ink.length || label[q] || !ink[q]) continue;
        if ((q === p - 1 || q === p + 1) && ((q / width) | 0) !== y) continue;
        label[q] = boxes.length;
        stack.push(q);
      }
    }
  }
  const maxH = Math.max(0, ...boxes.map((b) => b.y1 - b.y0 + 1));
  const big = boxes.filter((b) => b.y1 - b.y0 + 1 >= maxH * 0.3 && b.n > 10).sort((a, b) => a.x0 - b.x0);
  const skipped: SkippedPiece[] = boxes
    .filter((b) => !big.includes(b))
    .map((b) => ({ box: { x: b.x0, y: b.y0, width: b.x1 - b.x0 + 1, height: b.y1 - b.y0 + 1 }, reason: 'too-small' }));
  if (big.length > maxPieces)
    throw new ReadError('TOO_MANY_PIECES', `${big.length} pieces of ink; the limit is ${maxPieces}`);
  const merged: typeof big = [];
  for (const b of big) {
    const last = merged[merged.length - 1];
    if (last && b.x0 <= last.x1) {
      last.x1 = Math.max(last.x1, b.x1);
      last.y0 = Math.min(last.y0, b.y0);
      last.y1 = Math.max(last.y1, b.y1);
    } else merged.push({ ...b });
  }
  if (merged.length > maxDigits)
    throw new ReadError('TOO_MANY_DIGITS', `${merged.length} digits; the limit is ${maxDigits}`);
  const digits: ReadDigit[] = [];
  for (const b of merged) {
    const w = b.x1 - b.x0 + 1,
      h = b.y1 - b.y0 + 1;
    const crop = { width: w + 8, height: h + 8, data: new Float32Array((w + 8) * (h + 8)).fill(bg) };
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) crop.data[(y + 4) * crop.width + x + 4] = data[(b.y0 + y) * width + b.x0 + x]!;
    let normalized: Uint8Array;
    try {
      normalized = normalizeDigit(crop);
    } catch {
      skipped.push({ box: { x: b.x0, y: b.y0, width: w, height: h }, reason: 'not-a-digit' });
      continue;
    }
    const p = predict(model, normalized, engine);
    if (isNotADigit(normalized, p)) {
      skipped.push({ box: { x: b.x0, y: b.y0, width: w, height: h }, reason: 'not-a-digit' });
      continue;
    }
    const order = p.scores.map((s, d) => [s, d] as const).sort((a, c) => c[0] - a[0]);
    const second = order[1]![1];
    const exp = p.scores.map((s) => Math.exp(s - p.scores[p.digit]!));
    const sum = exp.reduce((a, c) => a + c, 0);
    digits.push({
      digit: p.digit,
      confidence: p.confidence,
      scores: p.scores,
      runnerUp: { digit: second, confidence: exp[second]! / sum },
      box: { x: b.x0, y: b.y0, width: w, height: h },
      normalized,
      stage: p.stage,
    });
  }
  if (digits.length === 0) throw new ReadError('NO_DIGIT_FOUND', 'no digit found in the picture');
  return {
    text: digits.map((d) => d.digit).join(''),
    confidence: digits.reduce((a, d) => a * d.confidence, 1),
    digits,
    skipped,
  };
}
export function readImage(
  bytes: Uint8Array,
  model: SvmModel,
  engine?: ModelEngine,
  options: { image?: Partial<ImageLimits>; read?: Partial<ReadLimits> } = {},
): Reading {
  const image = decodeImage(bytes, resolveImageLimits(options.image));
  const gray = applyOrientation(rgbaToLuminance(image.rgba, image.width, image.height), image.orientation);
  return {
    ...readDigits(gray, model, engine, options.read),
    source: { format: image.format, width: gray.width, height: gray.height },
  };
}
