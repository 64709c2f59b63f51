import { CodedError } from '../shared/coded-error.js';

/** Settings of the corrections loop; each from its option, then its environment variable, then the default. */
export interface FeedbackConfig {
  /** FEEDBACK=off removes the control from the page and answers POST /v1/feedback with 404 FEEDBACK_DISABLED. */
  readonly enabled: boolean;
  /** Corrections one client may send per minute (FEEDBACK_RATE_PER_MINUTE). */
  readonly ratePerMinute: number;
  /** Pending corrections at which new ones are refused with 507 (FEEDBACK_MAX_PENDING). */
  readonly maxPending: number;
  /** Uploaded files up to this size are stored with the correction; larger ones keep only the 28x28 picture. */
  readonly maxStoredUploadBytes: number;
  /** ADMIN_TOKEN: the bearer token of the admin routes; unset, the admin routes do not exist (404). */
  readonly adminToken: string | undefined;
}

/** 30 a minute: a person correcting answers by hand sends a few; a script filling the store is slowed to a crawl. */
export const DEFAULT_FEEDBACK_RATE_PER_MINUTE = 30;
/** 10,000 pending rows: a few days of review at most, ~10-20 MB with pictures; past it the store is not growing. */
export const DEFAULT_FEEDBACK_MAX_PENDING = 10_000;
/** 256 KiB: a phone crop of a digit fits; a full photo is not kept (its 28x28 picture is). */
export const DEFAULT_FEEDBACK_MAX_STORED_UPLOAD_BYTES = 256 * 1024;
/** Shortest ADMIN_TOKEN accepted: 16 characters, so it cannot be guessed online. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** A feedback setting that cannot be used. */
export class FeedbackConfigError extends CodedError<'BAD_FEEDBACK_CONFIG'> {
  override readonly name = 'FeedbackConfigError';
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new FeedbackConfigError('BAD_FEEDBACK_CONFIG', `${name}='${text}' must be a positive integer`);
  }
  return n;
}

/**
 * Resolves the feedback settings.
 * @param options - Explicit settings (win).
 * @param env - The environment (FEEDBACK, FEEDBACK_RATE_PER_MINUTE, FEEDBACK_MAX_PENDING, FEEDBACK_MAX_UPLOAD_BYTES,
 *   ADMIN_TOKEN).
 * @returns The settings.
 * @throws FeedbackConfigError for a value that is not usable (a short ADMIN_TOKEN, FEEDBACK=maybe).
 */
export function resolveFeedbackConfig(
  options: Partial<FeedbackConfig> = {},
  env: Readonly<Record<string, string | undefined>> = {},
): FeedbackConfig {
  const flag = (env['FEEDBACK'] ?? 'on').toLowerCase();
  if (!['on', 'off', '1', '0', 'true', 'false', ''].includes(flag)) {
    throw new FeedbackConfigError('BAD_FEEDBACK_CONFIG', `FEEDBACK='${env['FEEDBACK']}' must be on or off`);
  }
  const adminToken = options.adminToken ?? (env['ADMIN_TOKEN'] || undefined);
  if (adminToken !== undefined && adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new FeedbackConfigError(
      'BAD_FEEDBACK_CONFIG',
      `ADMIN_TOKEN is ${adminToken.length} characters; use at least ${MIN_ADMIN_TOKEN_LENGTH} (e.g. openssl rand -hex 24)`,
    );
  }
  return {
    enabled: options.enabled ?? !['off', '0', 'false'].includes(flag),
    ratePerMinute:
      options.ratePerMinute ??
      positive('FEEDBACK_RATE_PER_MINUTE', env['FEEDBACK_RATE_PER_MINUTE'], DEFAULT_FEEDBACK_RATE_PER_MINUTE),
    maxPending:
      options.maxPending ?? positive('FEEDBACK_MAX_PENDING', env['FEEDBACK_MAX_PENDING'], DEFAULT_FEEDBACK_MAX_PENDING),
    maxStoredUploadBytes:
      options.maxStoredUploadBytes ??
      positive('FEEDBACK_MAX_UPLOAD_BYTES', env['FEEDBACK_MAX_UPLOAD_BYTES'], DEFAULT_FEEDBACK_MAX_STORED_UPLOAD_BYTES),
    adminToken,
  };
}
