/**
 * The digits of a reading as the API gives them (ReadDigit): a piece's prediction with its runner-up, box and 28x28
 * picture; a piece read again by the pair network (as its two digits, or whole as one); a picture of one digit read
 * as its upload.
 */
import type { GrayImage } from '../image/gray.js';
import { softmaxConfidence } from '../ml/calibration.js';
import type { ModelEngine } from '../ml/engine/types.js';
import type { SvmModel } from '../ml/model.js';
import { predictBatch, type Prediction } from '../ml/predict.js';
import type { InkMap } from './ink.js';
import { pairInstead, type PairSide } from './joined-pairs.js';
import type { InkBox, Piece } from './pieces.js';
import { normalizeIfDigit, renderPiece } from './render.js';
import type { Box, ReadDigit } from './types.js';

/** A prediction as a digit of a reading: its runner-up from the scores, its box and 28x28 picture. */
export function toDigit(model: SvmModel, p: Prediction, box: Box, normalized: Uint8Array): ReadDigit {
  let runner = p.digit === 0 ? 1 : 0;
  p.scores.forEach((s, d) => {
    if (d !== p.digit && s > (p.scores[runner] as number)) runner = d;
  });
  // The runner-up's probability under the softmax that gave the winner's (each stage has its own temperature).
  const temperature =
    p.stage === 2 && model.secondStage ? model.secondStage.calibration.temperature : model.calibration.temperature;
  return {
    digit: p.digit,
    confidence: p.confidence,
    scores: p.scores,
    runnerUp: { digit: runner, confidence: softmaxConfidence(p.scores, runner, temperature) },
    box,
    normalized,
    stage: p.stage,
  };
}

/**
 * The path's digits, each piece's read again where the pair network says so (joined-pairs.ts): a piece the path read
 * two digits in, or one over all of it but the parts it left out.
 * @param digits the path's digits, left to right
 * @param of each digit's piece, whether the digit and the parts left out make all of it, and whether the path left
 *   part of it out
 * @returns the digits, and the pieces read whole (as the network's pair, or as one digit)
 */
export function withPairs(
  map: InkMap,
  height: number,
  model: SvmModel,
  engine: ModelEngine | undefined,
  digits: readonly ReadDigit[],
  of: readonly { readonly piece: Piece; readonly whole: boolean; readonly marksLeftOut: boolean }[],
): { digits: ReadDigit[]; readWhole: Set<Piece> } {
  const out: ReadDigit[] = [];
  const readWhole = new Set<Piece>();
  for (let i = 0; i < digits.length;) {
    const { piece, whole, marksLeftOut } = of[i] as (typeof of)[number];
    let j = i + 1;
    while (j < digits.length && of[j]?.piece === piece) j++;
    const read = digits.slice(i, j);
    const verdict =
      read.length === 2 || whole ? pairInstead(map, { ...piece, marksLeftOut }, height, read, engine) : undefined;
    const instead =
      verdict === undefined
        ? undefined
        : verdict.kind === 'pair'
          ? verdict.sides.map((side) => pairDigit(map, side))
          : wholeDigit(map, model, engine, piece);
    if (instead === undefined) out.push(...read);
    else {
      readWhole.add(piece);
      out.push(...instead);
    }
    i = j;
  }
  return { digits: out, readWhole };
}

/**
 * A piece read whole as one digit, as a single upload of it would be; undefined (the path's reading stays) when its
 * normalization finds no digit.
 */
function wholeDigit(
  map: InkMap,
  model: SvmModel,
  engine: ModelEngine | undefined,
  piece: Piece,
): ReadDigit[] | undefined {
  const picture = renderPiece(map, piece.parts, piece.box);
  if (picture === undefined) return undefined;
  const [prediction] = predictBatch(model, [picture], engine);
  return [toDigit(model, prediction as Prediction, toBox(map, piece.box), picture)];
}

/**
 * The picture read as a single upload of it is (imageToDigitInput's normalizeDigit, then predictBatch): a picture of
 * one digit's ink (lone-digit.ts); undefined when the normalization finds no digit in it.
 */
export function uploadDigit(
  gray: GrayImage,
  model: SvmModel,
  engine: ModelEngine | undefined,
  box: Box,
): ReadDigit | undefined {
  const picture = normalizeIfDigit(gray);
  if (picture === undefined) return undefined;
  const [prediction] = predictBatch(model, [picture], engine);
  return toDigit(model, prediction as Prediction, box, picture);
}

/** A digit of a pair the pair network read: its probabilities as scores, its side's box and 28x28 picture. */
function pairDigit(map: InkMap, side: PairSide): ReadDigit {
  const p = side.probabilities;
  let runner = side.digit === 0 ? 1 : 0;
  p.forEach((v, d) => {
    if (d !== side.digit && v > (p[runner] as number)) runner = d;
  });
  return {
    digit: side.digit,
    confidence: p[side.digit] as number,
    scores: Array.from(p, (v) => Math.log(Math.max(v, 1e-12))),
    runnerUp: { digit: runner, confidence: p[runner] as number },
    box: toBox(map, side.box),
    normalized: renderPiece(map, side.parts, side.box) ?? new Uint8Array(784),
    stage: 'pair',
  };
}

/** A box of working pixels in the uploaded picture's pixels. */
export function toBox(map: InkMap, b: InkBox): Box {
  const x = Math.floor(b.minX * map.scaleX);
  const y = Math.floor(b.minY * map.scaleY);
  return { x, y, width: Math.ceil((b.maxX + 1) * map.scaleX) - x, height: Math.ceil((b.maxY + 1) * map.scaleY) - y };
}
