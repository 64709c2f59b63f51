import type { Hono, MiddlewareHandler } from 'hono';
import { encodeGrayPng } from '../../image/encode-png.js';
import { encodeBase64 } from '../../ml/base64.js';
import type { BodyAdmission } from '../admission.js';
import { codedHttpError, HttpError, toHttpError } from '../errors.js';
import type { ServerLimits } from '../limits.js';
import type { Metrics } from '../metrics.js';
import type { DigitResult, ModelDescription, PredictOptions, Predictor } from '../predictor.js';
import type { PredictionBody, PredictResponse } from '../schemas.js';
import { MNIST_SIZE } from '../../shared/mnist.js';
import { declaredBodyBytes } from '../body.js';
import { bodyTooLarge, readMultipart, readUploads, uniqueKeys, type Upload } from '../uploads.js';

/** What the prediction routes need from the app. */
export interface PredictDeps {
  readonly predictor: Predictor;
  readonly limits: ServerLimits;
  readonly metrics: Metrics;
  /** The body budget shared by every upload route (admission.ts). */
  readonly admission: BodyAdmission;
}

/**
 * The loaded model; a request that arrives while it is loading (the first second after start) waits for it, at
 * most `modelWaitMs`, instead of failing.
 * @param deps - The predictor and its wait limit.
 * @returns The model's description; throws 503 MODEL_NOT_READY past the wait.
 */
export async function readyModel(deps: PredictDeps): Promise<ModelDescription> {
  const loaded = deps.predictor.describe();
  if (loaded !== undefined) return loaded;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), deps.limits.modelWaitMs);
  });
  const model = await Promise.race([deps.predictor.whenReady().catch(() => undefined), timeout]);
  clearTimeout(timer);
  if (model === undefined) throw codedHttpError(503, 'MODEL_NOT_READY', 'the model is not loaded yet; retry shortly');
  return model;
}

/**
 * Whether `?include=normalized` was asked for; any other value is a 400 naming what is accepted.
 * @param include - The query parameter, if any.
 * @returns True for `normalized`.
 */
export function includeNormalized(include: string | undefined): boolean {
  if (include !== undefined && include !== 'normalized') {
    throw new HttpError(400, 'BAD_REQUEST', `unknown include '${include}'; accepted: normalized`, {
      issues: [{ path: 'include', message: "expected 'normalized'" }],
    });
  }
  return include === 'normalized';
}

/**
 * Middleware that refuses a declared body size over the limit before the model wait or a byte of the body; a
 * chunked body is counted while it is read (uploads.ts).
 * @param deps - The limits.
 * @returns The middleware.
 */
export function limitBody(deps: PredictDeps): MiddlewareHandler {
  return async (c, next) => {
    const declared = declaredBodyBytes(c.req.raw.headers);
    if (declared !== undefined && declared > deps.limits.maxBodyBytes) throw bodyTooLarge(deps.limits);
    await next();
  };
}

/** Classifies every upload in parallel (the pool spreads them over threads); the first bad file fails the request. */
async function classify(
  deps: PredictDeps,
  uploads: readonly Upload[],
  asked: Pick<PredictOptions, 'includeNormalized' | 'countDigits'>,
  signal: AbortSignal,
) {
  const options: PredictOptions = {
    maxBytes: deps.limits.maxBodyBytes,
    maxPixels: deps.limits.maxImagePixels,
    ...asked,
  };
  // One file's failure aborts the request's other queued files: their answer would be thrown away. (A lone file
  // needs no second signal: AbortSignal.any costs ~0.03 ms of the main thread per request.)
  const failed = new AbortController();
  const either = uploads.length === 1 ? signal : AbortSignal.any([signal, failed.signal]);
  const results = await Promise.all(
    uploads.map((upload) =>
      deps.predictor.predict(upload.bytes, options, either).catch((err: unknown) => {
        failed.abort();
        throw toHttpError(err, upload.filename);
      }),
    ),
  );
  for (const result of results) deps.metrics.observePrediction(result.digit);
  return results;
}

function toBody(filename: string, result: DigitResult): PredictionBody {
  return {
    filename,
    digit: result.digit,
    confidence: result.confidence,
    scores: [...result.scores],
    ms: Math.round(result.ms * 1000) / 1000,
    ...(result.normalized
      ? { normalized: encodeBase64(encodeGrayPng(result.normalized, MNIST_SIZE, MNIST_SIZE)) }
      : {}),
    digitsFound: result.digitsFound ?? 1,
    ...(result.digitsFound !== undefined && result.digitsFound > 1
      ? {
          note: `the picture holds ${result.digitsFound} digits: this answer is one digit for the whole picture; POST it to /v1/read to read them all`,
        }
      : {}),
  };
}

/**
 * Registers POST /v1/predict and the old POST /api, both behind the body-size limit (checked before parsing).
 * @param app - The app to add routes to.
 * @param deps - Predictor, limits and metrics.
 */
export function registerPredictRoutes(app: Hono, deps: PredictDeps): void {
  const admit = deps.admission.middleware;
  const limit = limitBody(deps);

  app.post('/v1/predict', admit, limit, async (c) => {
    const normalized = includeNormalized(c.req.query('include'));
    const model = await readyModel(deps);
    const uploads = await readUploads(c, deps.limits);
    const results = await classify(
      deps,
      uploads,
      { includeNormalized: normalized, countDigits: true },
      c.req.raw.signal,
    );
    const body: PredictResponse = {
      model: { format: model.format, sha256: model.sha256, trainedAt: model.info.trainedAt },
      predictions: results.map((result, i) => toBody(uploads[i]!.filename, result)),
    };
    return c.json(body);
  });

  // The old contract: multipart `file` fields in, { "<file name>": "<digit>" } out. Kept byte-for-byte.
  app.post('/api', admit, limit, async (c) => {
    await readyModel(deps);
    const uploads = await readMultipart(c, deps.limits);
    const results = await classify(deps, uploads, { includeNormalized: false }, c.req.raw.signal);
    const keys = uniqueKeys(uploads.map((u) => u.filename));
    // fromEntries defines own properties, so a file named "__proto__" is a key like any other (an assignment
    // would set the object's prototype and drop the file from the answer).
    const body: Record<string, string> = Object.fromEntries(keys.map((key, i) => [key, String(results[i]!.digit)]));
    return c.json(body);
  });
}
