import type { ModelEngine } from '../ml/engine/types.js';
import type { SvmModel } from '../ml/model.js';
import { describeModel, type Predictor } from './predictor.js';
import { runPrediction } from './run-prediction.js';
import { runRead } from './run-read.js';

/**
 * A predictor that classifies on the calling thread: for tests, edge runtimes and one-off scripts.
 * On Node servers prefer the worker pool (src/server/node/predict-pool.ts), which keeps the event loop free.
 * @param model - A validated model.
 * @param sha256 - Hash of the model file, shown by /v1/model.
 * @param engine - The kernel engine made for `model`: on workerd, a WebAssembly engine from the imported `.wasm`
 *   module (`createWasmEngine(model, { plain })`); the JavaScript reference if omitted.
 * @returns A ready predictor.
 * @example createApp({ predictor: createInProcessPredictor(model) })
 */
export function createInProcessPredictor(
  model: SvmModel,
  sha256: string | null = null,
  engine?: ModelEngine,
): Predictor {
  const description = describeModel(model, sha256);
  return {
    describe: () => description,
    whenReady: () => Promise.resolve(description),
    // Wrapped in a promise so a synchronous throw becomes a rejection, like the pool's.
    predict: async (bytes, options) => runPrediction(model, bytes, options, engine),
    read: async (bytes, options) => runRead(model, bytes, options, engine),
    close: () => Promise.resolve(),
  };
}
