import { CodedError } from '../shared/coded-error.js';
import { PIXELS } from '../shared/mnist.js';

/** Where a correction is in review: every new one is `pending` until an admin accepts or rejects it. */
export type CorrectionStatus = 'pending' | 'accepted' | 'rejected';

/** The review states, in the order lists and counts show them. */
export const CORRECTION_STATUSES: readonly CorrectionStatus[] = ['pending', 'accepted', 'rejected'];

/**
 * What a correction stores, and nothing else about the user: the picture(s) in MNIST form, the uploaded file (when
 * it fits the size limit), the labels, the model that answered and the time.
 */
export interface NewCorrection {
  /** One 28x28 picture (784 bytes, row-major, ink high) per corrected digit, concatenated. */
  readonly normalized: Uint8Array;
  /** The uploaded file, or null when it was over the stored-upload limit or not sent. */
  readonly upload: Uint8Array | null;
  /** The upload's file name as the client sent it (plain text, never rendered as HTML), or null. */
  readonly filename: string | null;
  /** What the model read: one digit character per picture, or '' when unknown. */
  readonly predicted: string;
  /** The right answer: one digit character per picture. */
  readonly corrected: string;
  /** SHA-256 of the model file that made the prediction, or null when unknown. */
  readonly modelSha256: string | null;
}

/** A stored correction. */
export interface Correction extends NewCorrection {
  readonly id: string;
  readonly status: CorrectionStatus;
  /** ISO 8601 time the correction was stored. */
  readonly createdAt: string;
}

/** A correction without its uploaded file (what lists carry). */
export type CorrectionSummary = Omit<Correction, 'upload'> & { readonly uploadBytes: number };

/** Which rows `list` returns, newest first. */
export interface ListOptions {
  readonly status?: CorrectionStatus;
  /** At most this many rows (default {@link DEFAULT_LIST_LIMIT}). */
  readonly limit?: number;
}

/** Rows a list returns unless told otherwise: one screen of the admin page. */
export const DEFAULT_LIST_LIMIT = 100;

/** Accepted corrections, one row per digit, in the order they were stored (what IDX export and training read). */
export interface AcceptedDigits {
  readonly count: number;
  /** `count` x 784 bytes. */
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  /** How many corrections (rows of the store) the digits came from. */
  readonly corrections: number;
}

/** Options of `add`. */
export interface AddOptions {
  /** Refuse (STORE_FULL) when this many corrections are already pending; no cap when unset. */
  readonly maxPending?: number;
}

/** The corrections store: SQLite (one file) or PostgreSQL, the same records and the same behaviour. */
export interface CorrectionStore {
  /** Which backend, for logs and /healthz. */
  readonly kind: 'sqlite' | 'postgres';
  /** Stores a correction durably (committed before it returns) and returns its id. */
  add(correction: NewCorrection, options?: AddOptions): Promise<string>;
  get(id: string): Promise<Correction | undefined>;
  list(options?: ListOptions): Promise<CorrectionSummary[]>;
  /** Marks a correction accepted; false when there is no such id. */
  accept(id: string): Promise<boolean>;
  /** Marks a correction rejected; false when there is no such id. */
  reject(id: string): Promise<boolean>;
  /** Every accepted correction's digits, oldest first. */
  export(): Promise<AcceptedDigits>;
  counts(): Promise<Record<CorrectionStatus, number>>;
  close(): Promise<void>;
}

/** Why a store call failed. */
export type StoreErrorCode = 'STORE_UNAVAILABLE' | 'STORE_FULL' | 'BAD_CORRECTION' | 'BAD_STORE_CONFIG';

/** A store failure; `STORE_UNAVAILABLE` (down, locked) is worth retrying, the others are not. */
export class StoreError extends CodedError<StoreErrorCode> {
  override readonly name = 'StoreError';
}

const DIGITS = /^[0-9]*$/;

/**
 * Checks a correction before it is stored: labels are digit strings, one 784-byte picture per corrected digit.
 * @param c - The correction to store.
 * @throws StoreError `BAD_CORRECTION` naming what is wrong
 */
export function assertValidCorrection(c: NewCorrection): void {
  const bad = (message: string): never => {
    throw new StoreError('BAD_CORRECTION', message);
  };
  if (c.corrected.length === 0 || c.corrected.length > 64 || !DIGITS.test(c.corrected)) {
    bad(`corrected label '${c.corrected.slice(0, 70)}' must be 1 to 64 digits`);
  }
  if (c.predicted.length > 64 || !DIGITS.test(c.predicted)) bad('predicted label must be at most 64 digits');
  if (c.normalized.length !== c.corrected.length * PIXELS) {
    bad(
      `${c.corrected.length} corrected digit(s) need ${c.corrected.length * PIXELS} bytes of pictures, got ${c.normalized.length}`,
    );
  }
  if (c.filename !== null && c.filename.length > 256) bad('file name over 256 characters');
  if (c.modelSha256 !== null && !/^[0-9a-f]{64}$/.test(c.modelSha256)) bad('model SHA-256 must be 64 hex digits');
}

/**
 * Splits accepted rows into one picture and label per digit.
 * @param rows - Accepted corrections, oldest first.
 * @returns The digits, ready for IDX export or training.
 */
export function toAcceptedDigits(rows: readonly { normalized: Uint8Array; corrected: string }[]): AcceptedDigits {
  const count = rows.reduce((n, r) => n + r.corrected.length, 0);
  const pixels = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const row of rows) {
    for (let d = 0; d < row.corrected.length; d++, at++) {
      pixels.set(row.normalized.subarray(d * PIXELS, (d + 1) * PIXELS), at * PIXELS);
      labels[at] = row.corrected.charCodeAt(d) - 48;
    }
  }
  return { count, pixels, labels, corrections: rows.length };
}
