import { isNumberIn } from '../shared/checks.js';
import { CodedError } from '../shared/coded-error.js';

/** Every error code the ML toolkit raises; callers switch on `code`, never on message text. */
export type MlErrorCode =
  | 'IDX_TRUNCATED'
  | 'IDX_BAD_MAGIC'
  | 'IDX_SIZE_MISMATCH'
  /** Model bytes that hold no JSON text: broken gzip, not UTF-8, not JSON (model-bytes.ts). */
  | 'MODEL_UNREADABLE'
  /** JSON (or a value) that is not a valid model. */
  | 'MODEL_INVALID'
  | 'INVALID_ARGUMENT'
  | 'DID_NOT_CONVERGE';

/** A typed error from src/ml: `code` says what kind of failure, `message` names the input at fault. */
export class MlError extends CodedError<MlErrorCode> {
  override readonly name = 'MlError';
}

/** Throws `INVALID_ARGUMENT` unless `value` is a finite number within [min, max]. */
export function assertNumberIn(value: unknown, min: number, max: number, what: string): asserts value is number {
  if (!isNumberIn(value, { min, max })) {
    throw new MlError('INVALID_ARGUMENT', `${what} must be a number from ${min} to ${max}, got ${String(value)}`);
  }
}
