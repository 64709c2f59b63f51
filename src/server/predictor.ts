import type { SvmModel } from '../ml/model.js';
import type { ReadDigit, Reading } from '../read/types.js';
import { CodedError } from '../shared/coded-error.js';

/** What /v1/model and /metrics say about the loaded model: its metadata plus the file's SHA-256. */
export interface ModelDescription {
  readonly format: SvmModel['format'];
  readonly kernel: SvmModel['kernel'];
  readonly supportVectorCount: number;
  readonly info: SvmModel['info'];
  /** SHA-256 (hex) of the model file as loaded; null when the model did not come from a file. */
  readonly sha256: string | null;
}

/** Per-image options: the limits that bound decoding, and whether to return the 28x28 input. */
export interface PredictOptions {
  /** Largest encoded image, in bytes (the request body limit). */
  readonly maxBytes: number;
  /** Largest declared width * height, checked from the header before decoding. */
  readonly maxPixels: number;
  /** Also return the 784 normalized pixels the model saw. */
  readonly includeNormalized: boolean;
  /**
   * Also count the digits in the picture with the number reader and refuse a picture whose ink is not a digit
   * (a dot, a scribble, a gradient): what /v1/predict answers with `digitsFound`. Off for the old /api, whose
   * answer (and cost) stays exactly as it was.
   */
  readonly countDigits?: boolean;
}

/** One image's answer. */
export interface DigitResult {
  readonly digit: number;
  /** In [0, 1]. */
  readonly confidence: number;
  /** Ten decision values, index = digit. */
  readonly scores: readonly number[];
  /** Time spent normalizing and classifying this image, in milliseconds. */
  readonly ms: number;
  /** The 28x28 MNIST-form input (784 bytes, row-major), when asked for. */
  readonly normalized?: Uint8Array;
  /** With `countDigits`: how many digits the number reader found in the picture (0 when none). */
  readonly digitsFound?: number;
}

/** One digit of a reading as a predictor answers it: its 28x28 only when asked for (`includeNormalized`). */
export type ReadDigitResult = Omit<ReadDigit, 'normalized'> & { readonly normalized?: Uint8Array };

/** One picture's reading (see src/read): the digits left to right, each with its box, and the skipped ink. */
export interface ReadResult extends Omit<Reading, 'digits'> {
  readonly digits: readonly ReadDigitResult[];
  /** Time spent decoding and reading this picture, in milliseconds. */
  readonly ms: number;
}

/** Why a predictor could not run a prediction (the image itself was not at fault, except DEADLINE_EXCEEDED). */
export type PredictorErrorCode =
  /** The queue is full: retry after a moment (answered 503 with Retry-After). */
  | 'BUSY'
  /** The image took longer than the per-task deadline; its worker was replaced. */
  | 'DEADLINE_EXCEEDED'
  /** The worker running the task died (e.g. out of memory); the pool replaced it. */
  | 'WORKER_LOST'
  /** The model is not loaded (yet, or it failed to load). */
  | 'MODEL_NOT_READY'
  /** The caller aborted (its client hung up) before the task started. */
  | 'CANCELLED'
  /** The predictor is shutting down. */
  | 'CLOSED';

/** A typed predictor failure; the HTTP layer maps `code` to a status (see PREDICTOR_ERROR_STATUS). */
export class PredictorError extends CodedError<PredictorErrorCode> {
  override readonly name = 'PredictorError';
}

/** A predictor's load, for /metrics and /readyz. */
export interface PredictorStats {
  /** Threads configured. */
  readonly threads: number;
  /** Threads with a loaded model, idle or busy (the rest are starting or being replaced). */
  readonly workersReady: number;
  /** Tasks waiting for a thread. */
  readonly queued: number;
  /** Tasks running. */
  readonly running: number;
  /** The queue is at its bound: new tasks are refused with BUSY. */
  readonly saturated: boolean;
  /** Workers replaced since start (deadline or crash). */
  readonly restarts: number;
  /** Tasks stopped at the deadline since start. */
  readonly deadlineExceeded: number;
}

/**
 * Runs image-to-digit prediction. The app depends only on this interface: an in-process implementation serves
 * tests and edge runtimes, a worker_threads pool serves Node so the event loop stays free.
 * `predict` and `read` reject with an error carrying an image or read error `code` (see src/image, src/read) for
 * bad input.
 */
export interface Predictor {
  /** The loaded model, or undefined while it is still loading (or failed to load). */
  describe(): ModelDescription | undefined;
  /** Resolves once the model is loaded; rejects if it cannot be. */
  whenReady(): Promise<ModelDescription>;
  /**
   * Classifies one image. `signal` aborts the task while it is still queued (its client hung up); a task
   * already running finishes or meets its deadline.
   */
  predict(bytes: Uint8Array, options: PredictOptions, signal?: AbortSignal): Promise<DigitResult>;
  /**
   * Reads every digit of one picture (a whole number), under the same queue, deadline and limits as `predict`.
   * Rejects with a read error `code` (NO_DIGIT_FOUND, TOO_MANY_PIECES, TOO_MANY_DIGITS) or an image error.
   */
  read(bytes: Uint8Array, options: PredictOptions, signal?: AbortSignal): Promise<ReadResult>;
  /** Queue and worker figures, when the predictor has any (the in-process one has none). */
  stats?(): PredictorStats;
  /** Releases threads or other resources; pending predictions settle first. */
  close(): Promise<void>;
}

/**
 * Extracts the public description of a model.
 * @param model - A validated model.
 * @param sha256 - Hash of the file it came from, if any.
 * @returns The description served by /v1/model.
 */
export function describeModel(model: SvmModel, sha256: string | null = null): ModelDescription {
  return {
    format: model.format,
    kernel: model.kernel,
    supportVectorCount: model.supportVectorCount,
    info: model.info,
    sha256,
  };
}
