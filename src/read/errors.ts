import { CodedError } from '../shared/coded-error.js';

/** Why a picture could not be read as a number; the server answers each with 422. */
export type ReadErrorCode =
  /** No piece of ink in the picture looks like a digit. */
  | 'NO_DIGIT_FOUND'
  /** More pieces of ink than ReadLimits.maxPieces (a page of text, noise): refused before any is classified. */
  | 'TOO_MANY_PIECES'
  /** More digits than ReadLimits.maxDigits. */
  | 'TOO_MANY_DIGITS';

/**
 * A typed reading failure.
 * @example try { readImage(bytes, model) } catch (e) { if (e instanceof ReadError && e.code === 'NO_DIGIT_FOUND') ... }
 */
export class ReadError extends CodedError<ReadErrorCode> {
  override readonly name = 'ReadError';
}
