import { describe, expect, it } from 'vitest';
import { resolveImageLimits } from '../../src/image/limits.js';
import { resolveLimits } from '../../src/server/limits.js';
import { resolveServeConfig } from '../../src/server/node/config.js';
import { ConfigError } from '../../src/shared/config-error.js';

/** Each place that resolves configuration, given one unusable value, and the setting its message must name. */
const BAD_SETTINGS: readonly (readonly [string, () => unknown, string])[] = [
  ['a server limit from the environment', () => resolveLimits({}, { MAX_FILES: 'many' }), 'MAX_FILES'],
  ['a server limit given in code', () => resolveLimits({ maxBodyBytes: -1 }), 'maxBodyBytes'],
  ['the body budget below one body', () => resolveLimits({}, { MAX_BODY_BYTES_IN_FLIGHT: '1' }), 'IN_FLIGHT'],
  ['a serve setting', () => resolveServeConfig({}, { PORT: '99999' }), 'PORT'],
  ['the log level', () => resolveServeConfig({}, { LOG_LEVEL: 'loud' }), 'LOG_LEVEL'],
  ['an image limit', () => resolveImageLimits({ maxPixels: 0 }), 'maxPixels'],
];

describe('ConfigError: one configuration error with one code', () => {
  it.each(BAD_SETTINGS)('%s throws ConfigError CONFIG_INVALID naming the setting', (_, resolve, setting) => {
    let thrown: unknown;
    try {
      resolve();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).code).toBe('CONFIG_INVALID');
    expect((thrown as ConfigError).name).toBe('ConfigError');
    expect((thrown as ConfigError).message).toContain(setting);
  });
});
