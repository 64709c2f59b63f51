/** The Node edge of the server: listening socket, worker-thread predictor pool, configuration from env/flags. */
export { startServer, DEFAULT_SHUTDOWN_GRACE_MS } from './serve.js';
export type { RunningServer, StartOptions } from './serve.js';
export {
  createPredictPool,
  DEFAULT_DECODE_MEMORY_BYTES,
  DEFAULT_MAX_BATCH,
  DEFAULT_MAX_QUEUE,
  DEFAULT_PREDICT_THREADS,
  DEFAULT_TASK_DEADLINE_MS,
} from './predict-pool.js';
export { cpusGranted } from './cpus.js';
export type { PredictPool, PredictPoolOptions } from './predict-pool.js';
export type { ModelSource } from './pool-protocol.js';
export { DEFAULT_HOST, DEFAULT_PORT, resolveServeConfig, ServeConfigError } from './config.js';
export type { LogLevel, ServeConfig } from './config.js';
