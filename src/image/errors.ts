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
export class ImageError extends Error {
  readonly code: ImageErrorCode;

  /**
   * @param code stable machine-readable reason
   * @param message human-readable description naming the bad input
   * @param options.cause the underlying decoder exception, if any (kept for logs, never sent to clients)
   */
  constructor(code: ImageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ImageError';
    this.code = code;
  }
}

/** Wraps an arbitrary decoder exception (upng-js throws strings, jpeg-js throws Errors) as CORRUPT_IMAGE. */
export function corruptImage(format: string, cause: unknown): ImageError {
  const detail = cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : 'unknown decoder failure';
  return new ImageError('CORRUPT_IMAGE', `the ${format} data is truncated or corrupt (${detail}); ${SUPPORTED_FORMATS_TEXT}`, {
    cause,
  });
}
