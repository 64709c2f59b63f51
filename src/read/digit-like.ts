/** What isDigitLike looks at: a prediction's ten decision values (index = digit) and its calibrated confidence. */
export interface DigitEvidence {
  readonly scores: readonly number[];
  readonly confidence: number;
  /**
   * The digit-or-not network's log-odds for a piece of a picture (digit-or-not.ts), when it was asked. The word
   * rule (words.ts) reads it, and the path search lets a piece it calls plainly a digit through where isDigitLike
   * would not (search.ts); isDigitLike does not, since alone it cost spaced numbers more than it saved.
   */
  readonly digitLogit?: number;
  /** The lone-glyph network's log-odds for a piece judged whole (digit-or-not.ts loneGlyphNet): the word rule reads it. */
  readonly loneGlyphLogit?: number;
  /** The one-digit network's log-odds for a candidate of the search (one-digit.ts), when it was asked. */
  readonly oneDigitLogit?: number;
}

/**
 * The top decision value below which a piece is not a digit. One-vs-rest SVMs answer "none of these" with all ten
 * values negative: a digit has its class's value above about 0 (the margin), a letter, a dash or a scribble sits
 * beside every class and below. Chosen on the read bench's tuning set (test digits 0-4999, see bench/read.ts).
 */
export const MIN_TOP_SCORE = -0.35;
/** A calibrated confidence below this is a guess between digits, not a reading of one. */
export const MIN_CONFIDENCE = 0.35;

/** The floors isDigitLike holds a piece to: its top decision value and its calibrated confidence. */
export interface DigitFloors {
  readonly topScore: number;
  readonly confidence: number;
}

const DEFAULT_FLOORS: DigitFloors = { topScore: MIN_TOP_SCORE, confidence: MIN_CONFIDENCE };

/**
 * Whether a classified piece looks like a digit at all. The SVM always names a digit; this is the check that
 * keeps a lone dot, a letter or a scribble from being answered as one.
 * @param evidence the piece's prediction (scores and confidence)
 * @param floors lower floors than MIN_TOP_SCORE and MIN_CONFIDENCE, for a piece other evidence vouches for
 * @returns true when the top decision value and the confidence both clear their floors
 * @example if (!isDigitLike(predict(model, pixels))) return { digit: null };
 */
export function isDigitLike(evidence: DigitEvidence, floors: DigitFloors = DEFAULT_FLOORS): boolean {
  let top = -Infinity;
  for (const s of evidence.scores) if (s > top) top = s;
  return top >= floors.topScore && evidence.confidence >= floors.confidence;
}
