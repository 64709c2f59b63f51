import type { SvmModel } from '../../ml/model.js';
import type { DigitResult, ModelDescription, PredictOptions } from '../predictor.js';

/** Where a worker gets its model: a file it loads itself (production), or a model cloned in (tests). */
export type ModelSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'value'; readonly model: SvmModel; readonly sha256: string | null };

/** The `workerData` of a prediction worker. */
export interface WorkerInit {
  readonly source: ModelSource;
}

/** An error as it crosses the thread boundary (Error objects lose their class and `code` in structured clone). */
export interface WireError {
  readonly name: string;
  readonly code: string | undefined;
  readonly message: string;
}

/** Main thread -> worker. */
export interface TaskMessage {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly options: PredictOptions;
}

/** Worker -> main thread. */
export type WorkerMessage =
  | { readonly type: 'ready'; readonly model: ModelDescription }
  | { readonly type: 'failed'; readonly error: WireError }
  | { readonly type: 'result'; readonly id: number; readonly result: DigitResult }
  | { readonly type: 'error'; readonly id: number; readonly error: WireError };

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
