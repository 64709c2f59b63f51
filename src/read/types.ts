import type { ImageFormat } from '../image/format.js';

/** A rectangle in the uploaded picture's pixels (after EXIF orientation), x to the right, y down. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** One digit of a reading. */
export interface ReadDigit {
  readonly digit: number;
  /** Calibrated probability of `digit`, 0..1 (the model's softmax, as for a single upload). */
  readonly confidence: number;
  /** The ten decision values, index = digit. */
  readonly scores: readonly number[];
  /** The runner-up digit and its probability. */
  readonly runnerUp: { readonly digit: number; readonly confidence: number };
  /** Where the digit is in the picture. */
  readonly box: Box;
  /** The 28x28 MNIST-form picture the model read (784 bytes, row-major, white on black). */
  readonly normalized: Uint8Array;
  /**
   * Which model stage answered (see src/ml/predict.ts), or 'pair': the pair network read this digit together with
   * its neighbour, the two written into each other (joined-pairs.ts); `scores` are then its log-probabilities, and
   * `box` and `normalized` this digit's side of the pair.
   */
  readonly stage: 1 | 2 | 'pair';
}

/** Why a piece of ink was left out of the reading. */
export type SkipReason =
  /** Too small to be a digit beside the digits found (a dot, a speck, a comma). */
  | 'too-small'
  /** Classified, but it does not look like any digit (a letter, a dash, a scribble). */
  | 'not-a-digit';

/** A piece of ink that is not part of `text`. */
export interface SkippedPiece {
  readonly box: Box;
  readonly reason: SkipReason;
}

/** What the reader found in one picture. */
export interface Reading {
  /** The digits in reading order (left to right), e.g. "578618". Never empty: no digit is an error. */
  readonly text: string;
  /**
   * Probability that the whole reading is right, 0..1: the digits' confidences and how much the search doubted its
   * cutting of the picture into digits (confidence.ts); never above the product of the digits' confidences. A
   * picture of one digit's ink alone, read as its upload is (lone-digit.ts), is as sure as that upload.
   */
  readonly confidence: number;
  readonly digits: readonly ReadDigit[];
  readonly skipped: readonly SkippedPiece[];
  /** The decoded picture's format and size (after orientation). */
  readonly source: { readonly format: ImageFormat; readonly width: number; readonly height: number };
}

/** Bounds on the work one picture may cost (a page of text, noise, a maze of strokes). */
export interface ReadLimits {
  /** Most ink pieces considered; past it the picture is refused with TOO_MANY_PIECES. */
  readonly maxPieces: number;
  /** Most digits in one reading; past it the picture is refused with TOO_MANY_DIGITS. */
  readonly maxDigits: number;
}
