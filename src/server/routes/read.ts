import type { Hono } from 'hono';
import { encodeGrayPng } from '../../image/encode-png.js';
import { encodeBase64 } from '../../ml/base64.js';
import { MNIST_SIZE } from '../../shared/mnist.js';
import { toHttpError } from '../errors.js';
import type { PredictOptions, ReadResult } from '../predictor.js';
import type { ReadingBody, ReadResponse } from '../schemas.js';
import { readUploads, type Upload } from '../uploads.js';
import { includeNormalized, limitBody, readyModel, type PredictDeps } from './predict.js';

/** Server time, to the microsecond (as /v1/predict rounds it). */
const roundMs = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * The answer for one picture: the reading in the API's shape (each digit's 28x28 as a base64 PNG when asked for).
 * @param filename - The upload's name, echoed back.
 * @param result - What the predictor read.
 * @returns The reading's JSON body.
 */
export function toReadingBody(filename: string, result: ReadResult): ReadingBody {
  return {
    filename,
    text: result.text,
    confidence: result.confidence,
    digits: result.digits.map((d) => ({
      digit: d.digit,
      confidence: d.confidence,
      scores: [...d.scores],
      runnerUp: { digit: d.runnerUp.digit, confidence: d.runnerUp.confidence },
      box: { ...d.box },
      ...(d.stage === 'pair' ? { pair: true as const } : {}),
      ...(d.normalized ? { normalized: encodeBase64(encodeGrayPng(d.normalized, MNIST_SIZE, MNIST_SIZE)) } : {}),
    })),
    skipped: result.skipped.map((piece) => ({ box: { ...piece.box }, reason: piece.reason })),
    width: result.source.width,
    height: result.source.height,
    ms: roundMs(result.ms),
  };
}

/** Reads every upload in parallel (the pool spreads them over threads); the first bad file fails the request. */
async function readAll(
  deps: PredictDeps,
  uploads: readonly Upload[],
  normalized: boolean,
  signal: AbortSignal,
): Promise<ReadResult[]> {
  const options: PredictOptions = {
    maxBytes: deps.limits.maxBodyBytes,
    maxPixels: deps.limits.maxImagePixels,
    includeNormalized: normalized,
  };
  // As for /v1/predict: one file's failure aborts the request's other queued files.
  const failed = new AbortController();
  const either = uploads.length === 1 ? signal : AbortSignal.any([signal, failed.signal]);
  const results = await Promise.all(
    uploads.map((upload) =>
      deps.predictor.read(upload.bytes, options, either).catch((err: unknown) => {
        failed.abort();
        throw toHttpError(err, upload.filename);
      }),
    ),
  );
  for (const result of results) for (const d of result.digits) deps.metrics.observePrediction(d.digit);
  return results;
}

/**
 * Registers POST /v1/read: every digit of each picture (a whole number), left to right, with a box each. Same
 * inputs, body limits, admission and worker deadline as /v1/predict; a picture with no digit is a 422
 * NO_DIGIT_FOUND, one with too many ink pieces or digits a 422 TOO_MANY_PIECES / TOO_MANY_DIGITS.
 * @param app - The app to add the route to.
 * @param deps - Predictor, limits and metrics.
 */
export function registerReadRoutes(app: Hono, deps: PredictDeps): void {
  app.post('/v1/read', deps.admission.middleware, limitBody(deps), async (c) => {
    const normalized = includeNormalized(c.req.query('include'));
    const model = await readyModel(deps);
    const uploads = await readUploads(c, deps.limits);
    const results = await readAll(deps, uploads, normalized, c.req.raw.signal);
    const body: ReadResponse = {
      model: { format: model.format, sha256: model.sha256, trainedAt: model.info.trainedAt },
      readings: results.map((result, i) => toReadingBody(uploads[i]!.filename, result)),
    };
    return c.json(body);
  });
}
