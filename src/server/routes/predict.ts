import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { encodeGrayPng } from '../../image/index.js';
import { encodeBase64 } from '../base64.js';
import { HttpError, toHttpError } from '../errors.js';
import type { ServerLimits } from '../limits.js';
import type { Metrics } from '../metrics.js';
import type { DigitResult, ModelDescription, Predictor } from '../predictor.js';
import type { PredictionBody, PredictResponse } from '../schemas.js';
import { readMultipart, readUploads, uniqueKeys, type Upload } from '../uploads.js';

/** What the prediction routes need from the app. */
export interface PredictDeps {
  readonly predictor: Predictor;
  readonly limits: ServerLimits;
  readonly metrics: Metrics;
}

function readyModel(predictor: Predictor): ModelDescription {
  const model = predictor.describe();
  if (model === undefined) throw new HttpError(503, 'MODEL_NOT_READY', 'the model is still loading; retry shortly');
  return model;
}

/** Classifies every upload in parallel (the pool spreads them over threads); the first bad file fails the request. */
async function classify(deps: PredictDeps, uploads: readonly Upload[], includeNormalized: boolean) {
  const options = { maxBytes: deps.limits.maxBodyBytes, maxPixels: deps.limits.maxImagePixels, includeNormalized };
  const results = await Promise.all(
    uploads.map((upload) =>
      deps.predictor.predict(upload.bytes, options).catch((err: unknown) => {
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
    ...(result.normalized ? { normalized: encodeBase64(encodeGrayPng(result.normalized, 28, 28)) } : {}),
  };
}

/**
 * Registers POST /v1/predict and the old POST /api, both behind the body-size limit (checked before parsing).
 * @param app - The app to add routes to.
 * @param deps - Predictor, limits and metrics.
 */
export function registerPredictRoutes(app: Hono, deps: PredictDeps): void {
  const limitBody = bodyLimit({
    maxSize: deps.limits.maxBodyBytes,
    onError: () => {
      throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `request body over ${deps.limits.maxBodyBytes} bytes`);
    },
  });

  app.post('/v1/predict', limitBody, async (c) => {
    const include = c.req.query('include');
    if (include !== undefined && include !== 'normalized') {
      throw new HttpError(400, 'BAD_REQUEST', `unknown include '${include}'; accepted: normalized`, {
        issues: [{ path: 'include', message: "expected 'normalized'" }],
      });
    }
    const model = readyModel(deps.predictor);
    const uploads = await readUploads(c, deps.limits);
    const results = await classify(deps, uploads, include === 'normalized');
    const body: PredictResponse = {
      model: { format: model.format, sha256: model.sha256, trainedAt: model.info.trainedAt },
      predictions: results.map((result, i) => toBody(uploads[i]!.filename, result)),
    };
    return c.json(body);
  });

  // The old contract: multipart `file` fields in, { "<file name>": "<digit>" } out. Kept byte-for-byte.
  app.post('/api', limitBody, async (c) => {
    readyModel(deps.predictor);
    const uploads = await readMultipart(c, deps.limits);
    const results = await classify(deps, uploads, false);
    const keys = uniqueKeys(uploads.map((u) => u.filename));
    const body: Record<string, string> = {};
    keys.forEach((key, i) => {
      body[key] = String(results[i]!.digit);
    });
    return c.json(body);
  });
}
