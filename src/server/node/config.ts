import { DEFAULT_MODEL_PATH } from '../../node/default-model-path.js';
import {
  DEFAULT_DECODE_MEMORY_BYTES,
  DEFAULT_MAX_BATCH,
  DEFAULT_MAX_QUEUE,
  DEFAULT_PREDICT_THREADS,
  DEFAULT_TASK_DEADLINE_MS,
} from './pool-options.js';
import { parseNumberIn } from '../../shared/checks.js';
import { ConfigError } from '../../shared/config-error.js';

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
  /** Per-task deadline of the worker pool, ms. */
  readonly taskDeadlineMs: number;
  /** Most tasks waiting for a worker before 503 BUSY. */
  readonly maxQueue: number;
  /** Decode-memory budget of the tasks running at once, MiB. */
  readonly decodeMemoryMb: number;
  /** Most images a worker classifies in one pass (1 = no batching). */
  readonly maxBatch: number;
  /** error: failures only; info: start and stop lines (default); debug: also one JSON access line per request. */
  readonly logLevel: LogLevel;
}

/** How much the server says on stderr. */
export type LogLevel = 'silent' | 'error' | 'info' | 'debug';
const LOG_LEVELS: readonly LogLevel[] = ['silent', 'error', 'info', 'debug'];

function integerIn(raw: string, name: string, min: number, max: number): number {
  const value = parseNumberIn(raw, { min, max, integer: true });
  if (value === undefined) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

/**
 * Resolves the server's settings in one place: explicit option (CLI flag), then PORT / HOST / MODEL_PATH /
 * PREDICT_THREADS / TASK_DEADLINE_MS / MAX_QUEUE / DECODE_MEMORY_MB / MAX_BATCH / LOG_LEVEL, then the DEFAULT_*
 * constants. Request limits are resolved separately by `resolveLimits`.
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
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = fromEnv(name);
    return raw === undefined ? fallback : integerIn(raw, name, min, max);
  };
  const level = (options.logLevel ?? fromEnv('LOG_LEVEL') ?? 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(level))
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${level}'`);
  return {
    port: options.port ?? (portRaw === undefined ? DEFAULT_PORT : integerIn(portRaw, 'PORT', 0, 65535)),
    host: options.host ?? fromEnv('HOST') ?? DEFAULT_HOST,
    modelPath: options.modelPath ?? fromEnv('MODEL_PATH') ?? DEFAULT_MODEL_PATH,
    threads:
      options.threads ??
      (threadsRaw === undefined ? DEFAULT_PREDICT_THREADS : integerIn(threadsRaw, 'PREDICT_THREADS', 1, 256)),
    taskDeadlineMs: options.taskDeadlineMs ?? integer('TASK_DEADLINE_MS', DEFAULT_TASK_DEADLINE_MS, 1, 600_000),
    maxQueue: options.maxQueue ?? integer('MAX_QUEUE', DEFAULT_MAX_QUEUE, 1, 100_000),
    decodeMemoryMb:
      options.decodeMemoryMb ?? integer('DECODE_MEMORY_MB', DEFAULT_DECODE_MEMORY_BYTES / (1024 * 1024), 1, 1_048_576),
    maxBatch: options.maxBatch ?? integer('MAX_BATCH', DEFAULT_MAX_BATCH, 1, 1024),
    logLevel: level,
  };
}
