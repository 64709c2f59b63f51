import { parentPort, workerData } from 'node:worker_threads';
import type { SvmModel } from '../../ml/model.js';
import type { ModelEngine } from '../../ml/engine/types.js';
import { createModelEngine } from '../../node/kernel-wasm.js';
import { loadModelFile } from '../../node/model-file.js';
import { describeModel, type ModelDescription } from '../predictor.js';
import { runPrediction } from '../run-prediction.js';
import { toWireError, type TaskMessage, type WorkerInit, type WorkerMessage } from './pool-protocol.js';

/**
 * A prediction worker: loads the model once (from its file, so the main thread never holds it), then decodes,
 * normalizes and classifies the images it is sent. Started by predict-pool.ts. Classifies with the WebAssembly
 * SIMD engine, on the model's shared memory when the pool placed it there (one copy for all workers), or with the
 * JavaScript engine where SIMD is not available.
 */

const port = parentPort;
if (port === null) throw new Error('predict-worker.ts must run as a worker thread');

const send = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function load(init: WorkerInit): Promise<{ model: SvmModel; engine: ModelEngine; description: ModelDescription }> {
  if (init.source.kind === 'value') {
    const model = init.source.model;
    return { model, engine: await createModelEngine(model), description: describeModel(model, init.source.sha256) };
  }
  const loaded = await loadModelFile(init.source.path);
  return { model: loaded.model, engine: await createModelEngine(loaded.model), description: describeModel(loaded.model, loaded.sha256) };
}

try {
  const { model, engine, description } = await load(workerData as WorkerInit);
  port.on('message', (task: TaskMessage) => {
    try {
      const result = runPrediction(model, task.bytes, task.options, engine);
      // Copied into its own 784-byte buffer so the transfer never hands over memory the decoder may share.
      const normalized = result.normalized?.slice();
      send({ type: 'result', id: task.id, result: normalized ? { ...result, normalized } : result }, normalized ? [normalized.buffer] : []);
    } catch (err) {
      send({ type: 'error', id: task.id, error: toWireError(err) });
    }
  });
  send({ type: 'ready', model: description });
} catch (err) {
  send({ type: 'failed', error: toWireError(err) });
}
