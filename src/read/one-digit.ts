import type { Slice } from './cuts.js';
import { ONE_DIGIT_HIDDEN, ONE_DIGIT_WEIGHTS } from './one-digit-weights.js';
import { pieceLogit, unpackPieceNet, type PieceNet } from './piece-net.js';
import type { InkBox } from './pieces.js';

/**
 * The check that tells one digit from a piece of a number that is not one: two touching digits read whole, a half
 * of one, a digit with its neighbour's stroke. The digit model answers confidently for many of those (a 1 and a 0
 * touching read as a wide 0), and the digit-or-not check, fitted on whole glyphs, never saw them. A network with
 * one hidden layer (piece-net.ts) reads the piece's deskewed picture, the model's ten decision values and the piece's shape in the
 * number (its width and height against the digit height, its cuts: what the 28x28 picture no longer shows). Fitted
 * by scripts/fit-one-digit.ts on the reader's own candidates from numbers composed of MNIST training digits.
 */
export type OneDigitNet = PieceNet;

/** What pieceShape gives per candidate. */
export const SHAPE_FEATURES = 6;
const INPUTS = 784 + 10 + SHAPE_FEATURES;

/** The unpacked network, made on first use (the module does no work at import). */
let unpacked: OneDigitNet | undefined;

/**
 * The fitted network, unpacked once. Its arrays are shared: callers read them and never write.
 * @returns the network
 */
export function oneDigitNet(): OneDigitNet {
  unpacked ??= unpackPieceNet(ONE_DIGIT_WEIGHTS, ONE_DIGIT_HIDDEN, INPUTS, 'one-digit weights');
  return unpacked;
}

/**
 * A candidate's shape in its number, as the network reads it: width and height against the digit height, whether
 * each side is a cut through ink, how many strokes the right cut crosses, and how many slices it joins.
 * @param c the candidate: its slices and box
 * @param slices all slices, left to right
 * @param height the digit height in working pixels
 */
export function pieceShape(
  c: { readonly start: number; readonly end: number; readonly box: InkBox },
  slices: readonly Slice[],
  height: number,
): Float32Array {
  const first = slices[c.start] as Slice;
  const last = slices[c.end - 1] as Slice;
  return Float32Array.of(
    (c.box.maxX - c.box.minX + 1) / height,
    (c.box.maxY - c.box.minY + 1) / height,
    first.cutLeft ? 1 : 0,
    last.cutRight ? 1 : 0,
    Math.min(3, last.rightRuns) / 3,
    (c.end - c.start - 1) / 3,
  );
}

/**
 * pieceShape for one digit of a piece read as an overlapping pair by its strokes (strokes.ts): parted from its
 * neighbour through ink on the neighbour's side, as a cut's slice is.
 * @param box the digit's strokes' box
 * @param left whether it is the pair's left digit
 * @param height the digit height in working pixels
 */
export function pairShape(box: InkBox, left: boolean, height: number): Float32Array {
  return Float32Array.of(
    (box.maxX - box.minX + 1) / height,
    (box.maxY - box.minY + 1) / height,
    left ? 0 : 1,
    left ? 1 : 0,
    left ? 1 / 3 : 0,
    0,
  );
}

/**
 * How likely a candidate is one digit, as log-odds (above 0: more likely one digit than not).
 * @param net from oneDigitNet
 * @param deskewed the piece's 28x28 picture as the model sees it
 * @param scores the model's ten first-stage decision values for it
 * @param shape from pieceShape
 */
export function oneDigitLogit(
  net: OneDigitNet,
  deskewed: ArrayLike<number>,
  scores: ArrayLike<number>,
  shape: ArrayLike<number>,
): number {
  return pieceLogit(net, deskewed, scores, shape);
}
