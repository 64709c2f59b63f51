import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PATH } from '../../../src/node/model-file.js';
import { DEFAULT_HOST, DEFAULT_PORT, resolveServeConfig, ServeConfigError } from '../../../src/server/node/config.js';
import { DEFAULT_PREDICT_THREADS } from '../../../src/server/node/predict-pool.js';

describe('resolveServeConfig', () => {
  it('defaults to the old app\'s port 5000 on all interfaces, the shipped model, one thread per core', () => {
    expect(resolveServeConfig({}, {})).toEqual({ port: 5000, host: '0.0.0.0', modelPath: DEFAULT_MODEL_PATH, threads: DEFAULT_PREDICT_THREADS });
    expect([DEFAULT_PORT, DEFAULT_HOST]).toEqual([5000, '0.0.0.0']);
  });

  it('prefers explicit options over PORT, HOST, MODEL_PATH, PREDICT_THREADS', () => {
    const env = { PORT: '8080', HOST: '127.0.0.1', MODEL_PATH: '/m.json', PREDICT_THREADS: '3' };
    expect(resolveServeConfig({}, env)).toEqual({ port: 8080, host: '127.0.0.1', modelPath: '/m.json', threads: 3 });
    expect(resolveServeConfig({ port: 1, threads: 2 }, env)).toEqual({ port: 1, host: '127.0.0.1', modelPath: '/m.json', threads: 2 });
  });

  it('rejects a bad PORT or PREDICT_THREADS, naming the variable', () => {
    expect(() => resolveServeConfig({}, { PORT: '99999' })).toThrow(ServeConfigError);
    expect(() => resolveServeConfig({}, { PORT: 'http' })).toThrow(/PORT must be an integer from 0 to 65535, got 'http'/);
    expect(() => resolveServeConfig({}, { PREDICT_THREADS: '0' })).toThrow(/PREDICT_THREADS/);
  });
});
