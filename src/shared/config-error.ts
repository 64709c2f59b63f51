import { CodedError } from './coded-error.js';

/**
 * A configuration value that cannot be used (an option, a flag or an environment variable): thrown when the
 * configuration is resolved, at startup, so a typo fails loudly instead of running with a surprise. The one
 * configuration error of the package, wherever the value is read: server limits, serve settings, the worker
 * pool, image limits. The message names the setting and the value.
 *
 * @example
 * try { resolveLimits({}, { MAX_FILES: 'many' }); } catch (e) { if (e instanceof ConfigError) console.error(e.message); }
 */
export class ConfigError extends CodedError<'CONFIG_INVALID'> {
  override readonly name = 'ConfigError';
  /** @param message names the setting and the value it got */
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}
