/**
 * The Node-only edges of the package: model files on disk, the MNIST loader, multi-threaded training and the HTTP
 * server with its worker pool. Everything here may use `node:` modules; the pure toolkit is in `../ml` and
 * `../image`. Re-exported from the package root (`mnist-digits`), which is the Node entry.
 */
export { DEFAULT_MODEL_PATH, ModelFileError, loadModelFile, saveModelFile } from './model-file.js';
export type { LoadedModelFile, ModelFileErrorCode } from './model-file.js';
export { DEFAULT_DOWNLOAD_DIR, DataError, MNIST_FILES, loadMnist } from './mnist-data.js';
export type { DataErrorCode, MnistData, MnistSource } from './mnist-data.js';
export { KERNEL_WASM_FILES, createModelEngine, loadKernelModules } from './kernel-wasm.js';
export type { EngineChoice } from './kernel-wasm.js';
export { trainOneVsRestThreaded } from './train-threads.js';
export type { ThreadedTrainOptions, TrainEvent } from './train-threads.js';
export { runTraining } from './training-run.js';
export type { GammaSpec, Log as TrainingLog, SearchPlan, SearchResult, TrainingPlan, TrainingReport } from './training-run.js';
export { DEFAULT_SHUTDOWN_GRACE_MS, startServer } from '../server/node/serve.js';
export type { RunningServer, StartOptions } from '../server/node/serve.js';
export { ServeConfigError } from '../server/node/config.js';
export type { PredictPool } from '../server/node/predict-pool.js';
export type { ModelSource } from '../server/node/pool-protocol.js';
