import { describe, expect, it } from 'vitest';
import * as server from '../../src/server/index.js';
import * as node from '../../src/server/node/index.js';

// A snapshot of the public API, so any change to it shows up in review.
describe('public exports', () => {
  it('src/server/index.ts', () => {
    expect(Object.keys(server).sort()).toEqual([
      'DEFAULT_MAX_BODY_BYTES',
      'DEFAULT_MAX_BODY_BYTES_IN_FLIGHT',
      'DEFAULT_MAX_FILES',
      'DEFAULT_MAX_IMAGE_PIXELS',
      'DEFAULT_MAX_JSON_BYTES',
      'DEFAULT_MODEL_WAIT_MS',
      'ErrorBodySchema',
      'HttpError',
      'IMAGE_ERROR_STATUS',
      'LIMIT_ENV_VARS',
      'LegacyResponseSchema',
      'LimitConfigError',
      'ModelResponseSchema',
      'PREDICTOR_ERROR_STATUS',
      'PredictJsonRequestSchema',
      'PredictResponseSchema',
      'PredictionSchema',
      'PredictorError',
      'buildOpenApiDocument',
      'createApp',
      'createInProcessPredictor',
      'describeModel',
      'resolveLimits',
      'toHttpError',
    ]);
  });

  it('src/server/node/index.ts', () => {
    expect(Object.keys(node).sort()).toEqual([
      'DEFAULT_DECODE_MEMORY_BYTES',
      'DEFAULT_HOST',
      'DEFAULT_MAX_BATCH',
      'DEFAULT_MAX_QUEUE',
      'DEFAULT_PORT',
      'DEFAULT_PREDICT_THREADS',
      'DEFAULT_SHUTDOWN_GRACE_MS',
      'DEFAULT_TASK_DEADLINE_MS',
      'ServeConfigError',
      'cpusGranted',
      'createPredictPool',
      'resolveServeConfig',
      'startServer',
    ]);
  });
});
