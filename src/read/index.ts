/**
 * Reading whole numbers (`mnist-digits/read`): every digit in a picture, left to right, with a box each; fragments
 * kept together, touching digits cut where recognition agrees, marks that are not digits left out. Pure: runs in
 * Node, browsers and edge workers (it uses src/image and src/ml only).
 *
 * @example
 * import { readImage } from 'mnist-digits/read';
 * const { text, digits } = readImage(bytes, model, engine); // "578618", a box and confidence per digit
 */
export { readDigits, readImage } from './read.js';
export type { ReadOptions } from './read.js';
export { DEFAULT_READ_LIMITS, resolveReadLimits } from './limits.js';
export { ReadError } from './errors.js';
export type { ReadErrorCode } from './errors.js';
export { isDigitLike, MIN_CONFIDENCE, MIN_TOP_SCORE } from './digit-like.js';
export type { DigitEvidence, DigitFloors } from './digit-like.js';
export type { Box, Reading, ReadDigit, ReadLimits, SkippedPiece, SkipReason } from './types.js';
