import { CodedError } from '../shared/coded-error.js';

/** Every way turning untrusted bytes into a digit picture can fail; each is a stable, documented `code`. */
export type ImageErrorCode =
  | 'EMPTY_INPUT'
  | 'UNSUPPORTED_FORMAT'
  | 'CORRUPT_IMAGE'
  | 'IMAGE_TOO_LARGE'
  /** Decodable, but its structure (e.g. thousands of progressive scans) would cost far more than its size. */
  | 'IMAGE_TOO_COMPLEX'
  | 'NO_DIGIT_FOUND';

/** The formats we decode, named in every format-related message so the user knows what to send instead. */
export const SUPPORTED_FORMATS_TEXT = 'supported formats: PNG, JPEG';

/**
 * A typed image error: callers branch on `code` (the server maps it to a 4xx), the message names the problem.
 * @example
 * try { imageToDigitInput(bytes) } catch (e) { if (e instanceof ImageError && e.code === 'NO_DIGIT_FOUND') ... }
 */
export class ImageError extends CodedError<ImageErrorCode> {
  override readonly name = 'ImageError';
}

/** Wraps an arbitrary decoder exception (upng-js throws strings, jpeg-js throws Errors) as CORRUPT_IMAGE. */
export function corruptImage(format: string, cause: unknown): ImageError {
  const detail = cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : 'unknown decoder failure';
  return new ImageError(
    'CORRUPT_IMAGE',
    `the ${format} data is truncated or corrupt (${detail}); ${SUPPORTED_FORMATS_TEXT}`,
    {
      cause,
    },
  );
}
