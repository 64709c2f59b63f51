import { CodedError } from '../shared/coded-error.js';

/** Every way reading a number can fail on a decodable picture; the server answers each with 422. */
export type ReadErrorCode =
  /** No piece of ink in the picture looks like a digit (blank, letters only, a scribble). */
  | 'NO_DIGIT_FOUND'
  /** More ink pieces than `ReadLimits.maxPieces` (a page of text, noise, a maze of strokes): refused before any is classified. */
  | 'TOO_MANY_PIECES'
  /** More digits than `ReadLimits.maxDigits` would be read. */
  | 'TOO_MANY_DIGITS';

/**
 * A typed reading error: callers branch on `code`, the message says what was found.
 * @example
 * try { readImage(bytes, model) } catch (e) { if (e instanceof ReadError && e.code === 'NO_DIGIT_FOUND') ... }
 */
export class ReadError extends CodedError<ReadErrorCode> {
  override readonly name = 'ReadError';
}
