/** Every error code the ML toolkit raises; callers switch on `code`, never on message text. */
export type MlErrorCode =
  | 'IDX_TRUNCATED'
  | 'IDX_BAD_MAGIC'
  | 'IDX_SIZE_MISMATCH'
  | 'MODEL_INVALID'
  | 'INVALID_ARGUMENT'
  | 'DID_NOT_CONVERGE';

/** A typed error from src/ml: `code` says what kind of failure, `message` names the input at fault. */
export class MlError extends Error {
  readonly code: MlErrorCode;

  constructor(code: MlErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MlError';
    this.code = code;
  }
}

/** Throws `INVALID_ARGUMENT` unless `value` is a finite number within [min, max]. */
export function assertNumberIn(value: unknown, min: number, max: number, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new MlError('INVALID_ARGUMENT', `${what} must be a number from ${min} to ${max}, got ${String(value)}`);
  }
}
