/** The Node edge of the server: listening socket, worker-thread predictor pool, configuration from env/flags. */
export { startServer, DEFAULT_SHUTDOWN_GRACE_MS } from './serve.js';
export type { RunningServer, StartOptions } from './serve.js';
export { createPredictPool, DEFAULT_PREDICT_THREADS } from './predict-pool.js';
export type { PredictPool, PredictPoolOptions } from './predict-pool.js';
export type { ModelSource } from './pool-protocol.js';
export { DEFAULT_HOST, DEFAULT_PORT, resolveServeConfig, ServeConfigError } from './config.js';
export type { ServeConfig } from './config.js';
