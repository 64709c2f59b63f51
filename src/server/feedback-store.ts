/**
 * What the app needs from a corrections store. The app is runtime-neutral, so it names only this shape; the
 * Node entry passes the SQLite or PostgreSQL store (src/feedback), which has it. Failures carry a `code`:
 * `STORE_UNAVAILABLE` (down or locked: 503 with Retry-After) and `STORE_FULL` (the pending cap: 507).
 */
export interface FeedbackStore {
  add(
    correction: {
      readonly normalized: Uint8Array;
      readonly upload: Uint8Array | null;
      readonly filename: string | null;
      readonly predicted: string;
      readonly corrected: string;
      readonly modelSha256: string | null;
    },
    options?: { readonly maxPending?: number },
  ): Promise<string>;
  list(options?: { readonly status?: FeedbackStatus; readonly limit?: number }): Promise<StoredFeedback[]>;
  accept(id: string): Promise<boolean>;
  reject(id: string): Promise<boolean>;
  counts(): Promise<Record<FeedbackStatus, number>>;
}

/** Review state of a stored correction. */
export type FeedbackStatus = 'pending' | 'accepted' | 'rejected';

/** A stored correction as lists return it (no uploaded file). */
export interface StoredFeedback {
  readonly id: string;
  readonly status: FeedbackStatus;
  readonly createdAt: string;
  readonly predicted: string;
  readonly corrected: string;
  readonly modelSha256: string | null;
  readonly filename: string | null;
  readonly normalized: Uint8Array;
  readonly uploadBytes: number;
}

/** Error codes of the feedback and admin routes. */
export type FeedbackErrorCode =
  | 'FEEDBACK_DISABLED'
  | 'FEEDBACK_UNAVAILABLE'
  | 'STORE_UNAVAILABLE'
  | 'STORE_FULL'
  | 'RATE_LIMITED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN';
