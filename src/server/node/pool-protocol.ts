import type { SvmModel } from '../../ml/model.js';
import type { DigitResult, ModelDescription, PredictOptions, ReadResult } from '../predictor.js';

/** Where the pool gets its model: a file, loaded once in a thread of its own (production), or a model value (tests). */
export type ModelSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'value'; readonly model: SvmModel; readonly sha256: string | null };

/** A prediction worker's first message from the pool: its model and where to report progress. */
export interface WorkerInit {
  /**
   * Always a value, in shared memory: workers never read the model file, so they never load its parser either
   * (the file reader and its schema cost each worker ~3.4 MB of heap and ~12 MB of RSS).
   */
  readonly source: Extract<ModelSource, { kind: 'value' }>;
  /** Two int32s shared with the pool, see {@link PROGRESS}: which task the worker is on, and since when. */
  readonly progress: SharedArrayBuffer;
  /** Engine scratch in the model's shared memory left by a worker that has exited, to reuse (see createWasmEngine). */
  readonly scratchAt?: number;
}

/**
 * Layout of the progress buffer. The worker writes, before each image it decodes, the clock (`Date.now() | 0`,
 * wrapping every 24 days; differences stay right) and then the task id; the pool reads them when a deadline
 * fires, to know which image of a batch is at fault and whether it has really run that long. Shared memory
 * rather than a message per image: free while the worker computes, and readable while it is stuck.
 */
export const PROGRESS = {
  /** Index of the task id being decoded; 0 when idle, CLASSIFYING while the batch is classified. */
  task: 0,
  /** Index of the clock reading when that step started. */
  since: 1,
  /** The task value while the decoded images are classified together. */
  CLASSIFYING: -1,
} as const;

/** An error as it crosses the thread boundary (Error objects lose their class and `code` in structured clone). */
export interface WireError {
  readonly name: string;
  readonly code: string | undefined;
  readonly message: string;
}

/** What a task asks for: one digit for the whole picture (/v1/predict, /api), or every digit in it (/v1/read). */
export type TaskKind = 'predict' | 'read';

/** One image to classify or read. */
export interface TaskMessage {
  readonly id: number;
  readonly kind: TaskKind;
  readonly bytes: Uint8Array;
  readonly options: PredictOptions;
}

/** Main thread -> worker: images classified in one pass of the engine. */
export interface BatchMessage {
  readonly tasks: readonly TaskMessage[];
}

/**
 * Worker -> main thread. Per batch: an `error` at once for each image that cannot be read, a `reading` for each
 * read task as it finishes, then one `results` (the classified images; it also ends the batch).
 */
export type WorkerMessage =
  | { readonly type: 'ready'; readonly model: ModelDescription; readonly scratchAt: number | undefined }
  | { readonly type: 'failed'; readonly error: WireError }
  | { readonly type: 'error'; readonly id: number; readonly error: WireError }
  | { readonly type: 'reading'; readonly id: number; readonly result: ReadResult }
  | { readonly type: 'results'; readonly results: readonly { readonly id: number; readonly result: DigitResult }[] };

/**
 * Flattens any thrown value for postMessage.
 * @param err - What was thrown.
 * @returns Its name, code and message.
 */
export function toWireError(err: unknown): WireError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, code: typeof code === 'string' ? code : undefined, message: err.message };
  }
  return { name: 'Error', code: undefined, message: String(err) };
}

/**
 * Rebuilds an Error with the same name, code and message on the receiving side, so the HTTP layer maps it
 * exactly as it would an in-process error.
 * @param wire - The flattened error.
 * @returns An Error carrying `code`.
 */
export function fromWireError(wire: WireError): Error & { code?: string } {
  const err = new Error(wire.message) as Error & { code?: string };
  err.name = wire.name;
  if (wire.code !== undefined) err.code = wire.code;
  return err;
}
