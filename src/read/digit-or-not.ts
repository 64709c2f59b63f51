import { DIGIT_OR_NOT_HIDDEN, DIGIT_OR_NOT_WEIGHTS } from './digit-or-not-weights.js';
import { LONE_GLYPH_HIDDEN, LONE_GLYPH_WEIGHTS } from './lone-glyph-weights.js';
import { pieceLogit, unpackPieceNet, type PieceNet } from './piece-net.js';

/**
 * The check that tells a digit from a letter, a sign or a blot. The digit model cannot: it was trained on digits
 * only, so a letter's ten decision values can look like a digit's. A small network (one hidden layer) reads what
 * the reader already has for every piece it judges whole (piece-net.ts), the deskewed picture and the ten values,
 * and answers how digit-like the piece is; the word rule (words.ts) reads its answers. Fitted by
 * scripts/fit-digit-or-not.ts on MNIST training digits, printed training digits and pairs of training digits pushed
 * into each other (two digits joined into one piece are digits, not a letter), against letters and signs in the
 * training typefaces and drawn marks (nothing the benchmarks measure).
 */
export type DigitOrNot = PieceNet;

/** Inputs: 784 pixels and 10 decision values. */
const INPUTS = 794;

/**
 * Below this log-odds a piece counts as a letter in the word rule (words.ts). Held out (scripts/fit-digit-or-not.ts),
 * the network calls 75% of letters in unseen typefaces "not a digit" at -3, keeps 99.7% of MNIST test digits and
 * 98.9% of pairs of digits pushed into each other (fitted without such pairs: 82%, 99.5% and 58%); on the read bench's
 * tuning split, -3 answered 92% of words "no digit" when it was chosen (98.5% on 2026-12-07).
 */
export const MIN_DIGIT_LOGIT = -3;

/** Above this log-odds a piece is plainly a digit: most MNIST digits sit far above it, few printed letters do. */
export const SURE_DIGIT_LOGIT = 8;

/** The unpacked network, made on first use (not at import: the module stays free of work until asked). */
let unpacked: DigitOrNot | undefined;

/**
 * The fitted network, unpacked from base64 once (about 150 KB of float32; unpacking took 0.4 ms of every reading).
 * Its arrays are shared: callers read them and never write.
 * @returns the network
 */
export function digitOrNot(): DigitOrNot {
  unpacked ??= unpackPieceNet(DIGIT_OR_NOT_WEIGHTS, DIGIT_OR_NOT_HIDDEN, INPUTS, 'digit-or-not weights');
  return unpacked;
}

/**
 * How digit-like a piece is, as log-odds (above 0: more likely a digit than not).
 * @param net from digitOrNot
 * @param deskewed the piece's 28x28 picture as the model sees it (deskewed when the model deskews)
 * @param scores the model's ten first-stage decision values for it
 * @returns log-odds of "a digit"
 */
export function digitLogit(net: DigitOrNot, deskewed: ArrayLike<number>, scores: ArrayLike<number>): number {
  return pieceLogit(net, deskewed, scores);
}

/** The lone-glyph network (words.ts LONE_GLYPH_LINE), unpacked on first use as digitOrNot is. */
let loneUnpacked: DigitOrNot | undefined;

/**
 * The lone-glyph check: the digit-or-not network fitted on glyphs as the reader renders them from pictures too
 * (`npx tsx scripts/fit-digit-or-not.ts --reader-pictures N --lone-glyph`), asked of every piece judged whole; the word
 * rule reads it for a word of one piece only. Its arrays are shared: callers read them and never write.
 * @returns the network
 */
export function loneGlyphNet(): DigitOrNot {
  loneUnpacked ??= unpackPieceNet(LONE_GLYPH_WEIGHTS, LONE_GLYPH_HIDDEN, INPUTS, 'lone-glyph weights');
  return loneUnpacked;
}
