/**
 * mnist-digits for Node: the whole typed public API in one import. It is the union of the pure toolkit
 * (`mnist-digits/ml`), real-image normalization (`mnist-digits/image`), reading whole numbers (`mnist-digits/read`), the Node edges (model files, the
 * WebAssembly kernels), training (MNIST loader, threaded trainer, pen variants), the HTTP server and the web app (`createApp`, also in `mnist-digits/server`).
 * Browsers and edge runtimes import the subpaths instead: this entry loads `node:` modules.
 *
 * @example
 * import { imageToDigitInput, loadModelFile, predict } from 'mnist-digits';
 * import { readFile } from 'node:fs/promises';
 * const { model } = await loadModelFile(); // the model shipped in the package
 * const { pixels } = imageToDigitInput(new Uint8Array(await readFile('digit.png')));
 * console.log(predict(model, pixels).digit);
 */
export * from './ml/index.js';
export * from './image/index.js';
export * from './read/index.js';
export * from './node/index.js';
export * from './training/index.js';
export { DEFAULT_SHUTDOWN_GRACE_MS, startServer } from './server/node/serve.js';
export type { RunningServer, StartOptions } from './server/node/serve.js';
export type { PredictPool } from './server/node/predict-pool.js';
export type { ModelSource } from './server/node/pool-protocol.js';
export { createApp, createInProcessPredictor, describeModel } from './server/index.js';
export type { AppOptions, DigitResult, ModelDescription, PredictOptions, Predictor } from './server/index.js';
