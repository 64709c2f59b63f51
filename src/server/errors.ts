import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** One field-level problem in a malformed request, in a stable shape (never zod's raw output). */
export interface ErrorIssue {
  /** Where in the request, e.g. `images.0.data`. Empty for the request as a whole. */
  readonly path: string;
  readonly message: string;
}

/** The machine-readable error codes the API answers with. */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_FILES'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'MODEL_NOT_READY'
  | 'INTERNAL'
  | ImageErrorCode;

/** The codes thrown by src/image's `ImageError` (kept as a literal list so the status map below is exhaustive). */
export type ImageErrorCode = 'EMPTY_INPUT' | 'UNSUPPORTED_FORMAT' | 'CORRUPT_IMAGE' | 'IMAGE_TOO_LARGE' | 'NO_DIGIT_FOUND';

/** The JSON body of every error response. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly issues?: readonly ErrorIssue[] };
}

/**
 * The single error type of the HTTP layer: a status, a stable code and a message safe to show the client.
 * `cause` keeps the original error for logs; it is never serialized.
 */
export class HttpError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: ErrorCode;
  readonly issues: readonly ErrorIssue[] | undefined;
  /** Extra response headers, e.g. `Allow` on a 405. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: ContentfulStatusCode,
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; issues?: readonly ErrorIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.issues = options.issues;
    this.headers = options.headers ?? {};
  }

  /** The response body for this error. */
  toBody(): ErrorBody {
    return {
      error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) },
    };
  }
}

/**
 * Status for each image error: the client sent something we cannot use, so always 4xx.
 * 415 for a format we do not read, 413 for a size over the limits, 422 when the image decodes but holds no digit.
 */
export const IMAGE_ERROR_STATUS: Readonly<Record<ImageErrorCode, ContentfulStatusCode>> = {
  EMPTY_INPUT: 400,
  CORRUPT_IMAGE: 400,
  UNSUPPORTED_FORMAT: 415,
  IMAGE_TOO_LARGE: 413,
  NO_DIGIT_FOUND: 422,
};

function isImageError(err: unknown): err is Error & { code: ImageErrorCode } {
  // Matched by shape rather than `instanceof`: errors from the worker pool are rebuilt on this side of the
  // thread boundary, and this module must not pull in the image decoders.
  return (
    err instanceof Error &&
    typeof (err as unknown as { code?: unknown }).code === 'string' &&
    Object.hasOwn(IMAGE_ERROR_STATUS, (err as unknown as { code: string }).code)
  );
}

/**
 * Turns any thrown value into an HttpError: HttpErrors pass through, image errors get their 4xx status,
 * anything else is an internal error whose message is NOT shown to the client.
 * @param err - What was thrown.
 * @param filename - The upload the error is about, named in the message so a batch says which file failed.
 * @returns The HttpError to answer with.
 */
export function toHttpError(err: unknown, filename?: string): HttpError {
  if (err instanceof HttpError) return err;
  // Hono's own exceptions (e.g. a malformed multipart body) are client errors with a status already chosen.
  if (err instanceof HTTPException && err.status < 500) {
    return new HttpError(err.status as ContentfulStatusCode, 'BAD_REQUEST', err.message || 'malformed request', {
      cause: err,
    });
  }
  if (isImageError(err)) {
    const message = filename === undefined ? err.message : `${filename}: ${err.message}`;
    return new HttpError(IMAGE_ERROR_STATUS[err.code], err.code, message, { cause: err });
  }
  return new HttpError(500, 'INTERNAL', 'internal server error', { cause: err });
}

/** Reports errors the app did not expect (500s); injected so tests stay quiet and the Node edge can log. */
export type ErrorLogger = (err: unknown, c: Context) => void;

/**
 * Builds the app's one `onError` handler: every error becomes the JSON shape above, with no stack trace.
 * @param log - Called for 500s only (4xx are the client's problem, not ours).
 * @returns A handler for `app.onError`.
 */
export function createErrorHandler(log: ErrorLogger) {
  return (err: unknown, c: Context): Response => {
    const httpError = toHttpError(err);
    if (httpError.status >= 500) log(httpError.cause ?? err, c);
    return c.json(httpError.toBody(), httpError.status, { ...httpError.headers });
  };
}
