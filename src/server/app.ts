import type { Hono } from 'hono';
import type { SvmModel } from '../ml/model.js';
import { createInProcessPredictor } from './in-process-predictor.js';
import { createPredictorApp, type PredictorAppOptions } from './predictor-app.js';
import type { Predictor } from './predictor.js';

export type { AccessLogEntry } from './predictor-app.js';

/** Options of `createApp`. Give a `predictor` (e.g. the Node worker pool), or a `model` to classify in process. */
export interface AppOptions extends PredictorAppOptions {
  /** Runs predictions; wins over `model`. */
  readonly predictor?: Predictor;
  /** A loaded model, wrapped in an in-process predictor when no `predictor` is given. */
  readonly model?: SvmModel;
  /** SHA-256 of the model file, for the in-process predictor. */
  readonly sha256?: string | null;
}

/**
 * Builds the web app: page, old /api, /v1 API, health, metrics and OpenAPI. A pure value: no sockets, no
 * process globals; the Node entry (src/server/node/serve.ts) is the only place that listens.
 * @param options - Predictor or model, limits, logging.
 * @returns The Hono app (use `app.fetch` or `app.request`).
 * @example
 * const app = createApp({ model });
 * const res = await app.request('/healthz');
 */
export function createApp(options: AppOptions): Hono {
  const { predictor: given, model, sha256, ...rest } = options;
  const predictor = given ?? (model ? createInProcessPredictor(model, sha256 ?? null) : undefined);
  if (predictor === undefined) throw new TypeError('createApp needs a predictor or a model');
  return createPredictorApp(predictor, rest);
}
