/**
 * The Node-only edges of the toolkit: model files on disk and the WebAssembly kernels read from dist/. Everything
 * here may use `node:` modules; the pure toolkit is in `../ml` and `../image`, the trainer in `../training`, the
 * server's Node entry in `../server/node`. Re-exported from the package root (`mnist-digits`), the Node entry.
 */
export { DEFAULT_MODEL_PATH, ModelFileError, loadModelFile, saveModelFile } from './model-file.js';
export type { LoadedModelFile, ModelFileErrorCode } from './model-file.js';
export { KERNEL_WASM_FILES, createModelEngine, loadKernelModules } from './kernel-wasm.js';
export type { EngineChoice, ModelEngineOptions } from './kernel-wasm.js';
