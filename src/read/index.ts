/**
 * Reading whole numbers (`mnist-digits/read`): every digit of a picture, in order, with a box each; marks that are
 * not digits left out. Pure: runs in Node, browsers and workerd.
 * @example
 * import { readImage } from 'mnist-digits/read';
 * const { text, digits } = readImage(bytes, model, engine); // "578618", a box and a confidence per digit
 */
export { DEFAULT_READ_LIMITS, readDigits, readImage } from './read.js';
export { ReadError } from './errors.js';
export type { ReadErrorCode } from './errors.js';
export { DIGIT_COST, digitCost, isBlob, isNotADigit } from './digit-cost.js';
export type { Box, Reading, ReadDigit, ReadLimits, SkippedPiece, SkipReason } from './types.js';
