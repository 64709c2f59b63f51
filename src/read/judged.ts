import type { DigitEvidence } from './digit-like.js';
import type { InkBox } from './pieces.js';

/**
 * A picture's grouped pieces as the word rules see them (words.ts, signs.ts, units.ts, marks-within.ts): every piece's
 * box, the evidence of the pieces judged whole, and the digit height they are measured against.
 */
export interface JudgedPieces {
  /** The grouped pieces' boxes, left to right. */
  readonly pieces: readonly { readonly box: InkBox }[];
  /** Each judged piece's evidence as a whole (undefined: it normalized to nothing); unjudged pieces are absent. */
  readonly whole: ReadonlyMap<number, DigitEvidence | undefined>;
  /** Digit height in working pixels. */
  readonly height: number;
}

/** The digit-or-not log-odds of a piece judged whole; -Infinity for one not judged or that normalized to nothing. */
export function digitLogitOf(judged: JudgedPieces, piece: number): number {
  return judged.whole.get(piece)?.digitLogit ?? -Infinity;
}

/**
 * The lone-glyph log-odds of a piece judged whole (digit-or-not.ts loneGlyphNet); Infinity when it was not asked (a
 * piece that normalized to nothing is no digit by digitLogitOf already).
 */
export function loneGlyphLogitOf(judged: JudgedPieces, piece: number): number {
  return judged.whole.get(piece)?.loneGlyphLogit ?? Infinity;
}
