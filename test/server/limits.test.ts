import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_FILES, DEFAULT_MAX_IMAGE_PIXELS, LimitConfigError, resolveLimits } from '../../src/server/limits.js';

describe('resolveLimits', () => {
  it('uses the DEFAULT_* constants when nothing is set', () => {
    expect(resolveLimits()).toEqual({ maxBodyBytes: DEFAULT_MAX_BODY_BYTES, maxFiles: DEFAULT_MAX_FILES, maxImagePixels: DEFAULT_MAX_IMAGE_PIXELS });
    expect(DEFAULT_MAX_BODY_BYTES).toBe(10 * 1024 * 1024);
    expect(DEFAULT_MAX_FILES).toBe(16);
    expect(DEFAULT_MAX_IMAGE_PIXELS).toBe(40_000_000);
  });

  it('prefers an explicit option over the environment over the default', () => {
    const env = { MAX_BODY_BYTES: '2048', MAX_FILES: '3', MAX_IMAGE_PIXELS: '' };
    expect(resolveLimits({ maxFiles: 5 }, env)).toEqual({ maxBodyBytes: 2048, maxFiles: 5, maxImagePixels: DEFAULT_MAX_IMAGE_PIXELS });
  });

  it('rejects values that are not positive integers, naming the variable', () => {
    expect(() => resolveLimits({}, { MAX_FILES: 'many' })).toThrow(LimitConfigError);
    expect(() => resolveLimits({}, { MAX_FILES: 'many' })).toThrow(/MAX_FILES must be a positive integer, got 'many'/);
    expect(() => resolveLimits({}, { MAX_BODY_BYTES: '0' })).toThrow(/MAX_BODY_BYTES/);
    expect(() => resolveLimits({ maxImagePixels: 1.5 })).toThrow(/maxImagePixels/);
  });
});
