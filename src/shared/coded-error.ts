/**
 * The base of the package's typed errors: a literal `code` callers branch on, a message that names the bad input,
 * and the underlying `cause` when there is one (kept for logs, never shown to an HTTP client). Each subclass sets
 * its own `name` as a literal, so it survives minification (the edge bundle) where a class name would not.
 *
 * @example
 * export class ImageError extends CodedError<ImageErrorCode> { override readonly name = 'ImageError'; }
 */
export class CodedError<Code extends string> extends Error {
  readonly code: Code;

  /**
   * @param code stable machine-readable reason
   * @param message human-readable description naming the bad input
   * @param options.cause the error behind this one, if any
   */
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
