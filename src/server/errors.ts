import type { Context } from 'hono';
import type { FeedbackErrorCode } from './feedback-store.js';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ImageErrorCode } from '../image/errors.js';
import { CodedError } from '../shared/coded-error.js';
import type { PredictorErrorCode } from './predictor.js';

export type { ImageErrorCode };

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
  | 'TOO_MANY_UPLOADS'
  | 'REQUEST_TIMEOUT'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INTERNAL'
  | ImageErrorCode
  | ReadErrorCode
  | PredictorErrorCode
  | FeedbackErrorCode;

/** The number reader's refusals (src/read): NO_DIGIT_FOUND is shared with the image errors. */
export type ReadErrorCode = 'NO_DIGIT_FOUND' | 'TOO_MANY_PIECES' | 'TOO_MANY_DIGITS';

/** The JSON body of every error response. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly issues?: readonly ErrorIssue[] };
}

/**
 * The single error type of the HTTP layer: a status, a stable code and a message safe to show the client.
 * `cause` keeps the original error for logs; it is never serialized.
 */
export class HttpError extends CodedError<ErrorCode> {
  override readonly name = 'HttpError';
  readonly status: ContentfulStatusCode;
  readonly issues: readonly ErrorIssue[] | undefined;
  /** Extra response headers, e.g. `Allow` on a 405. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: ContentfulStatusCode,
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; issues?: readonly ErrorIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.status = status;
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
  IMAGE_TOO_COMPLEX: 422,
  NO_DIGIT_FOUND: 422,
};

/**
 * Status for each read error: the picture decodes, but holds no digit, or more ink pieces or digits than one
 * reading may cost (a page of text, noise): the same picture would be refused again, so 422.
 */
export const READ_ERROR_STATUS: Readonly<Record<ReadErrorCode, ContentfulStatusCode>> = {
  NO_DIGIT_FOUND: 422,
  TOO_MANY_PIECES: 422,
  TOO_MANY_DIGITS: 422,
};

/**
 * Status for each predictor error. 503s are about this server's state, not the request: they carry
 * Retry-After so clients and load balancers back off. A deadline is 422: the same image would take as long
 * again, so retrying it cannot help.
 */
export const PREDICTOR_ERROR_STATUS: Readonly<Record<PredictorErrorCode, ContentfulStatusCode>> = {
  BUSY: 503,
  DEADLINE_EXCEEDED: 422,
  WORKER_LOST: 503,
  MODEL_NOT_READY: 503,
  CANCELLED: 503,
  CLOSED: 503,
};

/** Seconds a client should wait before retrying each 503: a queue drains in about a second, a worker restarts in less. */
const RETRY_AFTER_SECONDS: Partial<Record<ErrorCode, number>> = {
  BUSY: 1,
  TOO_MANY_UPLOADS: 1,
  WORKER_LOST: 1,
  MODEL_NOT_READY: 2,
  CLOSED: 5,
};

function hasCodeIn<C extends string>(err: unknown, table: Readonly<Record<C, unknown>>): err is Error & { code: C } {
  // Matched by shape rather than `instanceof`: errors from the worker pool are rebuilt on this side of the
  // thread boundary, and this module must not pull in the image decoders.
  return (
    err instanceof Error &&
    typeof (err as unknown as { code?: unknown }).code === 'string' &&
    Object.hasOwn(table, (err as unknown as { code: string }).code)
  );
}

/**
 * Builds the HttpError for a known code, with Retry-After on the 503s that have one.
 * @param status - HTTP status.
 * @param code - Stable code.
 * @param message - Message for the client.
 * @param cause - The original error, for logs.
 * @returns The error.
 */
export function codedHttpError(
  status: ContentfulStatusCode,
  code: ErrorCode,
  message: string,
  cause?: unknown,
): HttpError {
  const retryAfter = RETRY_AFTER_SECONDS[code];
  return new HttpError(status, code, message, {
    cause,
    ...(retryAfter === undefined ? {} : { headers: { 'retry-after': String(retryAfter) } }),
  });
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
    return new HttpError(err.status, 'BAD_REQUEST', err.message || 'malformed request', {
      cause: err,
    });
  }
  const named = (message: string) => (filename === undefined ? message : `${filename}: ${message}`);
  if (hasCodeIn(err, IMAGE_ERROR_STATUS))
    return codedHttpError(IMAGE_ERROR_STATUS[err.code], err.code, named(err.message), err);
  if (hasCodeIn(err, READ_ERROR_STATUS))
    return codedHttpError(READ_ERROR_STATUS[err.code], err.code, named(err.message), err);
  if (hasCodeIn(err, PREDICTOR_ERROR_STATUS)) {
    return codedHttpError(PREDICTOR_ERROR_STATUS[err.code], err.code, named(err.message), err);
  }
  return new HttpError(500, 'INTERNAL', 'internal server error', { cause: err });
}

/** Reports errors the app did not expect (500s); injected so tests stay quiet and the Node edge can log. */
export type ErrorLogger = (err: unknown, c: Context) => void;

/** Counts answers that refused a request, by code; injected so /metrics can show rejections by reason. */
export type RejectionCounter = (code: ErrorCode) => void;

/**
 * Builds the app's one `onError` handler: every error becomes the JSON shape above, with no stack trace.
 * @param log - Called for unexpected errors only (INTERNAL): a 4xx is the client's problem, and a documented
 *   503 (BUSY, MODEL_NOT_READY, ...) is the server working as designed, so neither is logged as an error.
 * @param countRejection - Called for every error answer with its code.
 * @returns A handler for `app.onError`.
 */
export function createErrorHandler(log: ErrorLogger, countRejection: RejectionCounter = () => undefined) {
  return (err: unknown, c: Context): Response => {
    const httpError = toHttpError(err);
    countRejection(httpError.code);
    if (httpError.code === 'INTERNAL') log(httpError.cause ?? err, c);
    return c.json(httpError.toBody(), httpError.status, { ...httpError.headers });
  };
}
