import { decodeImage } from '../image/decode.js';
import type { GrayImage } from '../image/gray.js';
import { resolveImageLimits, type ImageLimits } from '../image/limits.js';
import { rgbaToLuminance } from '../image/luminance.js';
import { applyOrientation } from '../image/orientation.js';
import { softmaxConfidence } from '../ml/calibration.js';
import type { ModelEngine } from '../ml/engine/types.js';
import type { SvmModel } from '../ml/model.js';
import type { Prediction } from '../ml/predict.js';
import { buildAtoms, estimateDigitHeight, separateSpecks, type Atom } from './atoms.js';
import { ReadError } from './errors.js';
import { findInk } from './ink.js';
import { searchDigits } from './search.js';
import type { Box, Reading, ReadDigit, ReadLimits, SkippedPiece } from './types.js';

/**
 * The default bounds on one picture's work. 32 digits is longer than any meter reading, account or phone number;
 * 32 pieces leaves room for separators and marks beside them. Past either, the picture is refused in the time it
 * takes to label its ink (milliseconds), before anything is classified.
 */
export const DEFAULT_READ_LIMITS: ReadLimits = Object.freeze({ maxPieces: 32, maxDigits: 32 });
/** Specks (dust, noise) beyond this multiple of maxPieces mean the picture is noise, not a number. */
const SPECKS_PER_PIECE = 8;

/**
 * Reads every digit of a picture, left to right.
 * @param gray the picture's luminance in [0, 1] (any polarity)
 * @param model the model
 * @param engine the model's engine (the JavaScript reference when omitted)
 * @param limits overrides of {@link DEFAULT_READ_LIMITS}
 * @returns the reading (without `source`)
 * @throws ReadError NO_DIGIT_FOUND, TOO_MANY_PIECES or TOO_MANY_DIGITS
 */
export function readDigits(
  gray: GrayImage,
  model: SvmModel,
  engine?: ModelEngine,
  limits: Partial<ReadLimits> = {},
): Omit<Reading, 'source'> {
  const { maxPieces, maxDigits } = { ...DEFAULT_READ_LIMITS, ...limits };
  const ink = findInk(gray);
  const digitHeight = estimateDigitHeight(ink.pieces);
  const { substantial, specks } = separateSpecks(ink.pieces, digitHeight);
  if (substantial.length > maxPieces || specks.length > SPECKS_PER_PIECE * maxPieces) {
    throw new ReadError(
      'TOO_MANY_PIECES',
      `the picture has ${substantial.length} pieces of ink and ${specks.length} specks; a number has at most ` +
        `${maxPieces} pieces (is it a page of text or noise?)`,
    );
  }
  const atoms = buildAtoms(ink, substantial, digitHeight);
  const path = searchDigits(ink, atoms, digitHeight, model, engine);
  if (path.digits.length === 0 || looksLikeText(path.digits.map((c) => c.prediction))) {
    throw new ReadError('NO_DIGIT_FOUND', 'no digit found: no piece of ink in the picture looks like a digit');
  }
  if (path.digits.length > maxDigits) {
    throw new ReadError('TOO_MANY_DIGITS', `the picture holds ${path.digits.length} digits; the limit is ${maxDigits}`);
  }
  const toBox = (b: { minX: number; minY: number; maxX: number; maxY: number }): Box => boxInSource(b, ink.scale, gray);
  const digits: ReadDigit[] = path.digits.map((c) => ({
    digit: c.prediction.digit,
    confidence: c.prediction.confidence,
    scores: c.prediction.scores,
    runnerUp: runnerUp(model, c.prediction),
    box: toBox(c.segment),
    normalized: c.pixels,
    stage: c.prediction.stage,
  }));
  const skipped: SkippedPiece[] = path.skipped.map(({ atom, notADigit }) => ({
    box: toBox(atoms[atom] as Atom),
    reason: notADigit ? 'not-a-digit' : 'too-small',
  }));
  if (specks.length <= maxPieces) for (const s of specks) skipped.push({ box: toBox(s), reason: 'too-small' });
  skipped.sort((a, b) => a.box.x - b.box.x);
  return {
    text: digits.map((d) => String(d.digit)).join(''),
    confidence: digits.reduce((p, d) => p * d.confidence, 1),
    digits,
    skipped,
  };
}

/**
 * Decodes an uploaded PNG or JPEG (the same limits and EXIF orientation as a single upload) and reads its digits.
 * @param bytes the encoded file
 * @param model the model
 * @param engine the model's engine
 * @param options image limits (see DEFAULT_IMAGE_LIMITS) and read limits
 * @returns the reading
 * @throws ImageError for a file that cannot be decoded; ReadError when no number can be read
 * @example const { text, digits } = readImage(bytes, model, engine);
 */
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

/**
 * A reading most of whose digits the model barely prefers to their runner-up is a word, not a number: letters are
 * each a little like several digits (an "A" like a 4 and an 8), real digits clearly like one. Per piece the two
 * overlap too much to tell apart; over a whole reading the share of weak pieces does (printed words against
 * printed and handwritten numbers, `npm run bench:read -- --split tune`).
 */
const WEAK_GAP = 2.0;
const WEAK_SHARE = 0.5;

function looksLikeText(predictions: readonly Prediction[]): boolean {
  if (predictions.length < 2) return false;
  let weak = 0;
  for (const p of predictions) {
    let second = -Infinity;
    p.scores.forEach((s, d) => {
      if (d !== p.digit && s > second) second = s;
    });
    if (p.scores[p.digit]! - second < WEAK_GAP) weak++;
  }
  return weak > WEAK_SHARE * predictions.length;
}

function boxInSource(
  b: { minX: number; minY: number; maxX: number; maxY: number },
  scale: number,
  gray: GrayImage,
): Box {
  const x = Math.max(0, Math.floor(b.minX * scale));
  const y = Math.max(0, Math.floor(b.minY * scale));
  return {
    x,
    y,
    width: Math.min(gray.width, Math.ceil((b.maxX + 1) * scale)) - x,
    height: Math.min(gray.height, Math.ceil((b.maxY + 1) * scale)) - y,
  };
}

function runnerUp(model: SvmModel, prediction: Prediction): { digit: number; confidence: number } {
  let second = -1;
  prediction.scores.forEach((s, d) => {
    if (d !== prediction.digit && (second < 0 || s > prediction.scores[second]!)) second = d;
  });
  const temperature =
    prediction.stage === 2 && model.secondStage
      ? model.secondStage.calibration.temperature
      : model.calibration.temperature;
  return {
    digit: model.classes[second] ?? second,
    confidence: softmaxConfidence(prediction.scores, second, temperature),
  };
}
