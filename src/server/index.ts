/**
 * The web app as a value: `createApp` builds the Hono app (page, old /api, /v1 API, health, metrics, OpenAPI)
 * around an injected predictor. Runtime-neutral: the Node server with its worker pool is in `./node/index.js`.
 */
export { createApp } from './app.js';
export type { AppOptions } from './app.js';
export { createInProcessPredictor } from './in-process-predictor.js';
export { describeModel, PredictorError } from './predictor.js';
export type {
  DigitResult,
  ModelDescription,
  PredictOptions,
  Predictor,
  PredictorErrorCode,
  PredictorStats,
  ReadDigitResult,
  ReadResult,
} from './predictor.js';
export type { AccessLogEntry } from './app.js';
export { HttpError, IMAGE_ERROR_STATUS, PREDICTOR_ERROR_STATUS, READ_ERROR_STATUS, toHttpError } from './errors.js';
export type { ErrorBody, ErrorCode, ErrorIssue, ReadErrorCode } from './errors.js';
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_BODY_BYTES_IN_FLIGHT,
  DEFAULT_MAX_FILES,
  DEFAULT_MAX_IMAGE_PIXELS,
  DEFAULT_MAX_JSON_BYTES,
  DEFAULT_MODEL_WAIT_MS,
  LIMIT_ENV_VARS,
  resolveLimits,
} from './limits.js';
export type { ServerLimits } from './limits.js';
export { ConfigError } from '../shared/config-error.js';
export { buildOpenApiDocument } from './openapi.js';
export {
  ErrorBodySchema,
  LegacyResponseSchema,
  ModelResponseSchema,
  PredictJsonRequestSchema,
  PredictResponseSchema,
  PredictionSchema,
  BoxSchema,
  ReadDigitSchema,
  ReadingSchema,
  ReadResponseSchema,
  SkippedPieceSchema,
} from './schemas.js';
export type {
  ModelResponse,
  PredictJsonRequest,
  PredictResponse,
  PredictionBody,
  ReadDigitBody,
  ReadingBody,
  ReadResponse,
} from './schemas.js';
