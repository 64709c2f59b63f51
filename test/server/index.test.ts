import { describe, expect, it } from 'vitest';
import * as server from '../../src/server/index.js';

// A snapshot of the public API, so any change to it shows up in review.
describe('public exports', () => {
  it('src/server/index.ts', () => {
    expect(Object.keys(server).sort()).toEqual([
      'BoxSchema',
      'ConfigError',
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
      'ModelResponseSchema',
      'PREDICTOR_ERROR_STATUS',
      'PredictJsonRequestSchema',
      'PredictResponseSchema',
      'PredictionSchema',
      'PredictorError',
      'READ_ERROR_STATUS',
      'ReadDigitSchema',
      'ReadResponseSchema',
      'ReadingSchema',
      'SkippedPieceSchema',
      'buildOpenApiDocument',
      'createApp',
      'createInProcessPredictor',
      'describeModel',
      'resolveLimits',
      'toHttpError',
    ]);
  });
});
