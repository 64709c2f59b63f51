import { DEFAULT_MODEL_PATH } from '../../node/model-file.js';
import { DEFAULT_PREDICT_THREADS } from './predict-pool.js';

/** 5000: the old app's port; users' scripts call localhost:5000/api. */
export const DEFAULT_PORT = 5000;
/** All interfaces, so the server is reachable inside a container; set HOST=127.0.0.1 to keep it local. */
export const DEFAULT_HOST = '0.0.0.0';

/** What the Node entry needs to start. */
export interface ServeConfig {
  readonly port: number;
  readonly host: string;
  readonly modelPath: string;
  readonly threads: number;
}

/** A configuration value that cannot be used: the message names the variable or flag. */
export class ServeConfigError extends Error {
  readonly code = 'CONFIG_INVALID' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ServeConfigError';
  }
}

function integerIn(raw: string, name: string, min: number, max: number): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new ServeConfigError(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

/**
 * Resolves the server's settings in one place: explicit option (CLI flag), then PORT / HOST / MODEL_PATH /
 * PREDICT_THREADS, then the DEFAULT_* constants. Request limits are resolved separately by `resolveLimits`.
 * @param options - Values given explicitly.
 * @param env - The environment (process.env).
 * @returns The settings.
 */
export function resolveServeConfig(
  options: Partial<ServeConfig>,
  env: Readonly<Record<string, string | undefined>>,
): ServeConfig {
  const fromEnv = (name: string): string | undefined => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw;
  };
  const portRaw = fromEnv('PORT');
  const threadsRaw = fromEnv('PREDICT_THREADS');
  return {
    port: options.port ?? (portRaw === undefined ? DEFAULT_PORT : integerIn(portRaw, 'PORT', 0, 65535)),
    host: options.host ?? fromEnv('HOST') ?? DEFAULT_HOST,
    modelPath: options.modelPath ?? fromEnv('MODEL_PATH') ?? DEFAULT_MODEL_PATH,
    threads:
      options.threads ?? (threadsRaw === undefined ? DEFAULT_PREDICT_THREADS : integerIn(threadsRaw, 'PREDICT_THREADS', 1, 256)),
  };
}
