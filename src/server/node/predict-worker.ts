import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { SvmModel } from '../../ml/model.js';
import type { ModelEngine } from '../../ml/engine/types.js';
import { wasmSimdAvailable } from '../../ml/engine/wasm-engine.js';
import { createModelEngine, loadKernelModules } from '../../node/kernel-wasm.js';
import { nativeInflate } from './native-inflate.js';
import { describeModel, type ModelDescription } from '../predictor.js';
import { runPredictionBatch } from '../run-prediction.js';
import { runRead } from '../run-read.js';
import { PROGRESS, toWireError, type BatchMessage, type WorkerInit, type WorkerMessage } from './pool-protocol.js';

/**
 * A prediction worker: gets the model in shared memory from the pool (loaded once) as its first message, then decodes,
 * normalizes and classifies the batches of images it is sent (or reads every digit of a /v1/read picture), recording which image it is on in the shared
 * progress buffer (see PROGRESS) so the pool can tell which one overran its deadline. Started by predict-pool.ts.
 * Classifies with the WebAssembly SIMD engine, on the model's shared memory when the pool placed it there (one copy
 * for all workers), or with the JavaScript engine where SIMD is not available.
 */

/** How much lower than the main thread a prediction thread runs (nice +5; 19 is the lowest). */
const WORKER_NICE = 5;

const port = parentPort;
if (port === null) throw new Error('predict-worker.ts must run as a worker thread');

// On Linux a thread's nice value is its own: raising this one's keeps the main thread (which answers /healthz and
// reads every request) ahead of long decodes when the cores are busy. Best effort: other systems may refuse.
try {
  setPriority(WORKER_NICE);
} catch {
  // Left at the process's priority.
}

/** PNG image data inflated by node:zlib rather than pako (the pure decoder's default). */
const DECODING = { inflate: nativeInflate } as const;

const send = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function load(init: WorkerInit): Promise<{
  model: SvmModel;
  engine: ModelEngine & { scratchAt?: number | undefined };
  description: ModelDescription;
}> {
  const model = init.source.model;
  // SIMD was checked once, as the thread started (the check encodes and validates the kernel module).
  const engine = await createModelEngine(model, kernels === undefined ? 'js' : 'wasm-simd', {
    ...(init.scratchAt === undefined ? {} : { scratchAt: init.scratchAt }),
    ...(kernels === undefined ? {} : { modules: kernels }),
  });
  return { model, engine, description: describeModel(model, init.source.sha256) };
}

// The kernel module does not depend on the model: compiled while the pool still loads the model, it is ready when
// the model comes (start to ready ~15 ms sooner, bench:start, 2-core EPYC). A failure surfaces in load().
const kernels = wasmSimdAvailable() ? loadKernelModules() : undefined;
kernels?.catch(() => undefined);

try {
  // The pool posts the model as the first message (it may still be loading it while this thread boots).
  const init = await new Promise<WorkerInit>((resolve) => port.once('message', resolve));
  const progress = new Int32Array(init.progress);
  const mark = (task: number) => {
    Atomics.store(progress, PROGRESS.since, Date.now() | 0);
    Atomics.store(progress, PROGRESS.task, task);
  };
  const { model, engine, description } = await load(init);
  port.on('message', (batch: BatchMessage) => {
    // Readings go one by one (each its own search), marked like a decode so the deadline blames the right task.
    for (const task of batch.tasks) {
      if (task.kind !== 'read') continue;
      mark(task.id);
      try {
        const result = runRead(model, task.bytes, task.options, engine, DECODING);
        const digits = result.digits.map((d) => (d.normalized ? { ...d, normalized: d.normalized.slice() } : d));
        const transfer = digits.flatMap((d) => (d.normalized ? [d.normalized.buffer as ArrayBuffer] : []));
        send({ type: 'reading', id: task.id, result: { ...result, digits } }, transfer);
      } catch (err) {
        send({ type: 'error', id: task.id, error: toWireError(err) });
      }
    }
    const items = batch.tasks
      .filter((task) => task.kind === 'predict')
      .map((task) => ({ key: task.id, bytes: task.bytes, options: task.options }));
    const results = runPredictionBatch(
      model,
      items,
      engine,
      {
        onStart: mark,
        onError: (id, err) => send({ type: 'error', id, error: toWireError(err) }),
        onClassify: () => mark(PROGRESS.CLASSIFYING),
      },
      DECODING,
    ).map(({ key, result }) => {
      // Copied into its own 784-byte buffer so the transfer never hands over memory the decoder may share.
      const normalized = result.normalized?.slice();
      return { id: key, result: normalized ? { ...result, normalized } : result };
    });
    const transfer = results.flatMap((r) => (r.result.normalized ? [r.result.normalized.buffer as ArrayBuffer] : []));
    mark(0);
    send({ type: 'results', results }, transfer);
  });
  send({ type: 'ready', model: description, scratchAt: engine.scratchAt });
} catch (err) {
  send({ type: 'failed', error: toWireError(err) });
}
