import { describe, expect, it } from 'vitest';
import * as server from '../../src/server/index.js';
import * as node from '../../src/server/node/index.js';

// A snapshot of the public API, so any change to it shows up in review.
describe('public exports', () => {
  it('src/server/index.ts', () => {
    expect(Object.keys(server).sort()).toEqual([
      'DEFAULT_MAX_BODY_BYTES',
      'DEFAULT_MAX_FILES',
      'DEFAULT_MAX_IMAGE_PIXELS',
      'ErrorBodySchema',
      'HttpError',
      'IMAGE_ERROR_STATUS',
      'LIMIT_ENV_VARS',
      'LegacyResponseSchema',
      'LimitConfigError',
      'ModelResponseSchema',
      'PredictJsonRequestSchema',
      'PredictResponseSchema',
      'PredictionSchema',
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
      'DEFAULT_HOST',
      'DEFAULT_PORT',
      'DEFAULT_PREDICT_THREADS',
      'DEFAULT_SHUTDOWN_GRACE_MS',
      'ServeConfigError',
      'createPredictPool',
      'resolveServeConfig',
      'startServer',
    ]);
  });
});
