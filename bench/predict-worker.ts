/**
 * One thread of bench/predict.ts's throughput run: makes an engine on the shared model, deskews and classifies its
 * slice of the test images in batches when told to start, and sends back the scores.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineBackend } from '../src/ml/engine/types.js';
import type { SvmModel } from '../src/ml/model.js';
import { predictBatch } from '../src/ml/predict.js';
import { createModelEngine } from '../src/node/kernel-wasm.js';

export interface PredictBenchTask {
  readonly model: SvmModel;
  readonly backend: EngineBackend;
  /** All test images, 784 bytes each, in a SharedArrayBuffer. */
  readonly images: Uint8Array;
  readonly first: number;
  readonly end: number;
  readonly batch: number;
}

export type PredictBenchMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly first: number; readonly scores: Float64Array; readonly ms: number };

const port = parentPort;
if (port === null) throw new Error('predict-worker.ts must run as a worker thread');
const task = workerData as PredictBenchTask;
const engine = await createModelEngine(task.model, task.backend);
const image = (k: number) => task.images.subarray(k * 784, (k + 1) * 784);
// Warm-up, so the timed run measures compiled code.
predictBatch(
  task.model,
  Array.from({ length: Math.min(task.batch, task.end - task.first) }, (_, b) => image(task.first + b)),
  engine,
);
port.once('message', () => {
  const started = performance.now();
  const scores = new Float64Array((task.end - task.first) * 10);
  for (let k = task.first; k < task.end; k += task.batch) {
    const n = Math.min(task.batch, task.end - k);
    const predictions = predictBatch(
      task.model,
      Array.from({ length: n }, (_, b) => image(k + b)),
      engine,
    );
    predictions.forEach((p, b) => scores.set(p.scores, (k - task.first + b) * 10));
  }
  const ms = performance.now() - started;
  port.postMessage({ type: 'done', first: task.first, scores, ms } satisfies PredictBenchMessage, [scores.buffer]);
});
port.postMessage({ type: 'ready' } satisfies PredictBenchMessage);
