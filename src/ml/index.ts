/**
 * The ML toolkit (`mnist-digits/ml`): MNIST's IDX format, deskewing, a polynomial-kernel SVM trained with SMO,
 * the versioned model format, and prediction. Pure: typed arrays in, typed arrays out, no Node APIs, so it runs
 * in browsers, Deno, Bun and edge workers alike (the lint rules of eslint.config.js and test/package/browser.test.ts
 * hold it to that).
 *
 * @example
 * import { decodeBinaryModel, predict } from 'mnist-digits/ml';
 * const res = await fetch('/model.bin'); // the shipped model file (served gzip- or brotli-encoded: 3.9 MB gzipped)
 * const model = decodeBinaryModel(new Uint8Array(await res.arrayBuffer()));
 * const { digit, confidence } = predict(model, pixels); // pixels: 784 bytes, 28x28 MNIST form
 */
export { MlError } from './errors.js';
export type { MlErrorCode } from './errors.js';

export { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, readIdx, readIdxImages, readIdxLabels } from './idx.js';
export type { IdxImages, IdxLabels } from './idx.js';
export { selectRows, toDataset } from './dataset.js';
export type { Dataset } from './dataset.js';

export { deskew, deskewAll } from './deskew.js';
export { imageMoments } from './moments.js';
export type { ImageMoments } from './moments.js';

export {
  computeKernelRow,
  createJsKernelRows,
  kernelDiagonal,
  kernelFromDot,
  kernelRowScratch,
  prepareKernelData,
  scaleGamma,
} from './kernel.js';
export type { BufferAllocator, KernelData, KernelRowEngine, KernelRowScratch, PolyKernel } from './kernel.js';
export { createWasmKernelRows, placeKernelData } from './engine/wasm-rows.js';
export type { PlacedKernelData } from './engine/wasm-rows.js';
export { createJsEngine } from './engine/js-engine.js';
export { compileKernelModules, createWasmEngine, placeModel, wasmSimdAvailable } from './engine/wasm-engine.js';
export type { ModelPlacement, PlacedModel, WasmKernelModules } from './engine/wasm-engine.js';
export { kernelWasmBytes } from './engine/wasm/kernel-module.js';
export type { EngineBackend, ModelEngine } from './engine/types.js';
export type { PairMatrix } from './engine/pairs.js';
export { createKernelRowCache, createUncachedKernelRows } from './kernel-cache.js';
export type { CountingKernelRows, KernelRowStats } from './kernel-cache.js';
export { DEFAULT_TOLERANCE, solveBinarySvm } from './smo.js';
export type { BinarySolution, KernelRows, SmoOptions, SmoProgress } from './smo.js';
export { DIGITS, solveDigit, trainOneVsRest } from './ovr.js';
export type { ClassSolution, OvrOptions } from './ovr.js';
export { mulberry32, permutation } from './rng.js';
export type { RandomSource } from './rng.js';

export { MODEL_FORMAT, assembleModel, parseModel, serializeModel, withModelRecords } from './model.js';
export { decodeBinaryModel, encodeBinaryModel, isBinaryModel } from './model-binary.js';
export type { AssembleInput, ModelEvaluation, ModelInfo, ModelJson, ModelTraining, SvmModel } from './model.js';
export type { SecondStage } from './second-stage.js';
export { decisionValues, predict, predictBatch } from './predict.js';
export type { Prediction } from './predict.js';
export { fitTemperature, negativeLogLikelihood, softmaxConfidence } from './calibration.js';
export { evaluateModel, formatConfusion, perDigitAccuracy, scorePredictions } from './evaluate.js';
