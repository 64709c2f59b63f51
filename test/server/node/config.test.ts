import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PATH } from '../../../src/node/model-file.js';
import { DEFAULT_HOST, DEFAULT_PORT, resolveServeConfig } from '../../../src/server/node/config.js';
import { ConfigError } from '../../../src/shared/config-error.js';
import {
  DEFAULT_DECODE_MEMORY_BYTES,
  DEFAULT_MAX_BATCH,
  DEFAULT_MAX_QUEUE,
  DEFAULT_PREDICT_THREADS,
  DEFAULT_TASK_DEADLINE_MS,
} from '../../../src/server/node/pool-options.js';

const POOL_DEFAULTS = {
  taskDeadlineMs: DEFAULT_TASK_DEADLINE_MS,
  maxQueue: DEFAULT_MAX_QUEUE,
  decodeMemoryMb: DEFAULT_DECODE_MEMORY_BYTES / 1024 / 1024,
  maxBatch: DEFAULT_MAX_BATCH,
  logLevel: 'info',
};

describe('resolveServeConfig', () => {
  it("defaults to the old app's port 5000 on all interfaces, the shipped model, one thread per core", () => {
    expect(resolveServeConfig({}, {})).toEqual({
      port: 5000,
      host: '0.0.0.0',
      modelPath: DEFAULT_MODEL_PATH,
      threads: DEFAULT_PREDICT_THREADS,
      ...POOL_DEFAULTS,
    });
    expect([DEFAULT_PORT, DEFAULT_HOST]).toEqual([5000, '0.0.0.0']);
    expect([DEFAULT_TASK_DEADLINE_MS, DEFAULT_MAX_QUEUE, DEFAULT_DECODE_MEMORY_BYTES]).toEqual([
      10_000,
      64,
      512 * 1024 * 1024,
    ]);
  });

  it('prefers explicit options over PORT, HOST, MODEL_PATH, PREDICT_THREADS', () => {
    const env = { PORT: '8080', HOST: '127.0.0.1', MODEL_PATH: '/m.json', PREDICT_THREADS: '3' };
    expect(resolveServeConfig({}, env)).toEqual({
      port: 8080,
      host: '127.0.0.1',
      modelPath: '/m.json',
      threads: 3,
      ...POOL_DEFAULTS,
    });
    expect(resolveServeConfig({ port: 1, threads: 2 }, env)).toMatchObject({
      port: 1,
      host: '127.0.0.1',
      modelPath: '/m.json',
      threads: 2,
    });
  });

  it('reads the pool bounds and the log level from TASK_DEADLINE_MS, MAX_QUEUE, DECODE_MEMORY_MB, LOG_LEVEL', () => {
    const env = {
      TASK_DEADLINE_MS: '250',
      MAX_QUEUE: '3',
      DECODE_MEMORY_MB: '100',
      MAX_BATCH: '1',
      LOG_LEVEL: 'DEBUG',
    };
    expect(resolveServeConfig({}, env)).toMatchObject({
      taskDeadlineMs: 250,
      maxQueue: 3,
      decodeMemoryMb: 100,
      maxBatch: 1,
      logLevel: 'debug',
    });
    expect(resolveServeConfig({ maxQueue: 9 }, env).maxQueue).toBe(9);
    expect(() => resolveServeConfig({}, { TASK_DEADLINE_MS: '0' })).toThrow(
      /TASK_DEADLINE_MS must be an integer from 1/,
    );
    expect(() => resolveServeConfig({}, { LOG_LEVEL: 'loud' })).toThrow(
      /LOG_LEVEL must be one of silent, error, info, debug, got 'loud'/,
    );
  });

  it('rejects a bad PORT or PREDICT_THREADS, naming the variable', () => {
    expect(() => resolveServeConfig({}, { PORT: '99999' })).toThrow(ConfigError);
    expect(() => resolveServeConfig({}, { PORT: 'http' })).toThrow(
      /PORT must be an integer from 0 to 65535, got 'http'/,
    );
    expect(() => resolveServeConfig({}, { PREDICT_THREADS: '0' })).toThrow(/PREDICT_THREADS/);
  });
});
