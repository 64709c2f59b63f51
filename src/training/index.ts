/**
 * Training, for Node: the MNIST loader, the threaded one-vs-rest trainer, the whole training run (search, fit,
 * calibration, evaluation) and the pen variants that augment MNIST. Re-exported from the package root.
 */
export { DEFAULT_DOWNLOAD_DIR, DataError, MNIST_FILES, loadMnist } from './mnist-data.js';
export type { DataErrorCode, MnistData, MnistSource } from './mnist-data.js';
export { trainOneVsRestThreaded } from './train-threads.js';
export type { ThreadedTrainOptions, TrainEvent } from './train-threads.js';
export { runTraining } from './training-run.js';
export { resolveTrainingPlan } from './defaults.js';
export type {
  GammaSpec,
  RunPhase,
  TrainingOptions,
  Log as TrainingLog,
  SearchPlan,
  SearchResult,
  TrainingPlan,
  TrainingReport,
} from './training-run.js';
export { penVariantInput, redrawWithPen } from './augment/pen-variants.js';
export type { PenVariant } from './augment/pen-variants.js';
