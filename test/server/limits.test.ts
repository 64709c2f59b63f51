import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE_LIMITS } from '../../src/image/limits.js';
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_BODY_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES_IN_FLIGHT,
  DEFAULT_MAX_FILES,
  DEFAULT_MAX_UPLOADS_PER_CLIENT,
  DEFAULT_MAX_REFUSALS_PER_SECOND,
  DEFAULT_MAX_IMAGE_PIXELS,
  DEFAULT_MAX_JSON_BYTES,
  DEFAULT_MODEL_WAIT_MS,
  resolveLimits,
} from '../../src/server/limits.js';
import { ConfigError } from '../../src/shared/config-error.js';

const DEFAULTS = {
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  maxJsonBytes: DEFAULT_MAX_JSON_BYTES,
  maxBodyBytesInFlight: DEFAULT_MAX_BODY_BYTES_IN_FLIGHT,
  maxUploadsPerClient: DEFAULT_MAX_UPLOADS_PER_CLIENT,
  maxRefusalsPerSecond: DEFAULT_MAX_REFUSALS_PER_SECOND,
  bodyIdleTimeoutMs: DEFAULT_BODY_IDLE_TIMEOUT_MS,
  maxFiles: DEFAULT_MAX_FILES,
  maxImagePixels: DEFAULT_MAX_IMAGE_PIXELS,
  modelWaitMs: DEFAULT_MODEL_WAIT_MS,
};

describe('resolveLimits', () => {
  it('uses the DEFAULT_* constants when nothing is set', () => {
    expect(resolveLimits()).toEqual(DEFAULTS);
    expect(DEFAULT_MAX_BODY_BYTES).toBe(10 * 1024 * 1024);
    expect(DEFAULT_MAX_JSON_BYTES).toBe(4 * 1024 * 1024);
    expect(DEFAULT_MAX_BODY_BYTES_IN_FLIGHT).toBe(64 * 1024 * 1024);
    expect(DEFAULT_MAX_FILES).toBe(16);
    // One value for the server and the image decoder, so the two cannot drift apart.
    expect(DEFAULT_MAX_IMAGE_PIXELS).toBe(12_000_000);
    expect(DEFAULT_IMAGE_LIMITS.maxPixels).toBe(DEFAULT_MAX_IMAGE_PIXELS);
  });

  it('prefers an explicit option over the environment over the default', () => {
    const env = { MAX_BODY_BYTES: '2048', MAX_FILES: '3', MAX_IMAGE_PIXELS: '' };
    expect(resolveLimits({ maxFiles: 5 }, env)).toEqual({ ...DEFAULTS, maxBodyBytes: 2048, maxFiles: 5 });
  });

  it('rejects values that are not positive integers, naming the variable', () => {
    expect(() => resolveLimits({}, { MAX_FILES: 'many' })).toThrow(ConfigError);
    expect(() => resolveLimits({}, { MAX_FILES: 'many' })).toThrow(/MAX_FILES must be a positive integer, got 'many'/);
    expect(() => resolveLimits({}, { MAX_BODY_BYTES: '0' })).toThrow(/MAX_BODY_BYTES/);
    expect(() => resolveLimits({ maxImagePixels: 1.5 })).toThrow(/maxImagePixels/);
  });

  it('refuses an in-flight body budget smaller than one full-size body', () => {
    expect(() => resolveLimits({}, { MAX_BODY_BYTES: '1000', MAX_BODY_BYTES_IN_FLIGHT: '999' })).toThrow(
      /MAX_BODY_BYTES_IN_FLIGHT \(999\) must be at least MAX_BODY_BYTES \(1000\)/,
    );
  });
});
