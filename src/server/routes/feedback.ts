import type { Context, Hono } from 'hono';
import type { BodyAdmission } from '../admission.js';
import { readBody } from '../body.js';
import { HttpError, toHttpError } from '../errors.js';
import type { FeedbackConfig } from '../feedback-config.js';
import type { FeedbackStore } from '../feedback-store.js';
import type { ServerLimits } from '../limits.js';
import { multipartBoundary, parseMultipart, type FormPart } from '../multipart.js';
import type { Predictor } from '../predictor.js';
import { RateLimiter } from '../rate-limit.js';
import { bodyTooLarge } from '../uploads.js';

/** What the feedback route needs from the app. */
export interface FeedbackDeps {
  readonly store: FeedbackStore | undefined;
  readonly config: FeedbackConfig;
  readonly predictor: Predictor;
  readonly limits: ServerLimits;
  /** The body budget shared by every upload route (admission.ts). */
  readonly admission: BodyAdmission;
  /** The client's key for the rate limit (its socket address at the Node edge). */
  readonly clientKey: (c: Context) => string;
}

/** Seconds a client is told to wait when the store is down or locked: long enough for a restart or a lock to pass. */
export const STORE_RETRY_AFTER_SECONDS = 5;
/** A correction of a number: at most this many digits (one file per digit). */
const MAX_DIGITS = 16;
const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Maps a store failure to its HTTP answer: down or locked is 503 with Retry-After (the client may resend), a full
 * review queue is 507; anything else is a bug (500).
 * @param err - What the store threw.
 * @returns The HTTP error.
 */
export function storeHttpError(err: unknown): HttpError {
  const code = (err as { code?: unknown }).code;
  if (code === 'STORE_UNAVAILABLE') {
    return new HttpError(503, 'STORE_UNAVAILABLE', 'the corrections store is unavailable; retry shortly', {
      cause: err,
      headers: { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) },
    });
  }
  if (code === 'STORE_FULL') {
    return new HttpError(507, 'STORE_FULL', 'too many corrections are waiting for review; try again later', {
      cause: err,
    });
  }
  return toHttpError(err);
}

function textField(parts: readonly FormPart[], name: string): string | undefined {
  const part = parts.find((p) => p.name === name && p.filename === null);
  return part === undefined ? undefined : utf8.decode(part.body).trim();
}

/** The corrected digits and the files they belong to, one file per digit. */
function readCorrection(parts: readonly FormPart[]): { digits: string; files: FormPart[] } {
  const files = parts.filter((p) => p.name === 'file' && p.filename !== null);
  const digits = textField(parts, 'digit') ?? textField(parts, 'text');
  if (digits === undefined) {
    throw new HttpError(400, 'BAD_REQUEST', "send the right answer as a 'digit' field (or 'text' for a number)", {
      issues: [{ path: 'digit', message: 'required' }],
    });
  }
  if (!/^[0-9]{1,16}$/.test(digits)) {
    throw new HttpError(400, 'BAD_REQUEST', `the right answer must be 1 to ${MAX_DIGITS} digits 0-9`, {
      issues: [{ path: 'digit', message: 'expected digits 0-9' }],
    });
  }
  if (files.length !== digits.length) {
    throw new HttpError(
      400,
      'BAD_REQUEST',
      `${digits.length} digit(s) need ${digits.length} 'file' field(s), one picture per digit; got ${files.length}`,
      { issues: [{ path: 'file', message: `expected ${digits.length} file(s)` }] },
    );
  }
  return { digits, files };
}

/**
 * Registers POST /v1/feedback: a picture (or one per digit) and the right answer in, 201 `{ id }` out. Each picture
 * goes through the same pipeline as a prediction (in the worker pool), so the store keeps the 28x28 input the model
 * saw and what it answered. Bounded like uploads; per-client rate limit (429) and pending cap (507); a store that
 * is down or locked is a 503 with Retry-After and never touches the prediction routes.
 * @param app - The app.
 * @param deps - Store (undefined on runtimes without one), settings, predictor, limits.
 */
export function registerFeedbackRoute(app: Hono, deps: FeedbackDeps): void {
  const limiter = new RateLimiter(deps.config.ratePerMinute);
  const admit = deps.admission.middleware;
  app.post('/v1/feedback', admit, async (c) => {
    if (!deps.config.enabled) {
      throw new HttpError(404, 'FEEDBACK_DISABLED', 'corrections are turned off on this server (FEEDBACK=off)');
    }
    const store = deps.store;
    if (store === undefined) {
      throw new HttpError(501, 'FEEDBACK_UNAVAILABLE', 'this deployment has no corrections store (e.g. on workerd)');
    }
    const wait = limiter.take(deps.clientKey(c));
    if (wait > 0) {
      throw new HttpError(429, 'RATE_LIMITED', `too many corrections from this client; retry in ${wait} s`, {
        headers: { 'retry-after': String(wait) },
      });
    }
    const contentType = c.req.header('content-type') ?? '';
    const boundary = multipartBoundary(contentType);
    if (contentType.split(';')[0]!.trim().toLowerCase() !== 'multipart/form-data' || boundary === undefined) {
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', "expected multipart/form-data with 'file' and 'digit'");
    }
    const body = await readBody(c.req.raw, deps.limits.maxBodyBytes, () => bodyTooLarge(deps.limits));
    const form = parseMultipart(body, boundary, 4 * MAX_DIGITS);
    if (!form.ok) throw new HttpError(400, 'BAD_REQUEST', `malformed multipart/form-data body: ${form.reason}`);
    const { digits, files } = readCorrection(form.parts);
    const options = {
      maxBytes: deps.limits.maxBodyBytes,
      maxPixels: deps.limits.maxImagePixels,
      includeNormalized: true,
    };
    const results = await Promise.all(
      files.map((f) =>
        deps.predictor.predict(f.body, options, c.req.raw.signal).catch((err: unknown) => {
          throw toHttpError(err, f.filename ?? undefined);
        }),
      ),
    );
    const normalized = new Uint8Array(784 * files.length);
    results.forEach((r, i) => normalized.set(r.normalized!, i * 784));
    const upload =
      files.length === 1 && files[0]!.body.length <= deps.config.maxStoredUploadBytes ? files[0]!.body : null;
    let id: string;
    try {
      id = await store.add(
        {
          normalized,
          upload: upload === null ? null : upload.slice(),
          filename: files.length === 1 ? (files[0]!.filename ?? '').slice(0, 256) || null : null,
          predicted: results.map((r) => String(r.digit)).join(''),
          corrected: digits,
          modelSha256: deps.predictor.describe()?.sha256 ?? null,
        },
        { maxPending: deps.config.maxPending },
      );
    } catch (err) {
      throw storeHttpError(err);
    }
    return c.json({ id }, 201);
  });
}
