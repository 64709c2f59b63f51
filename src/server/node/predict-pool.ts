import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { DigitResult, ModelDescription, PredictOptions, Predictor } from '../predictor.js';
import { loadModelFile } from '../../node/model-file.js';
import { spawnWorker } from '../../node/spawn-worker.js';
import { shareModel } from './share-model.js';
import { fromWireError, type ModelSource, type TaskMessage, type WorkerInit, type WorkerMessage } from './pool-protocol.js';

/** Options of `createPredictPool`. */
export interface PredictPoolOptions {
  /** The model: a file (loaded once, here) or a model value; either way the workers share one copy. */
  readonly source: ModelSource;
  /** Worker threads; default one per core (prediction is CPU-bound, more threads than cores only add switching). */
  readonly threads?: number;
}

/** A predictor backed by worker threads; `threads` says how many. */
export interface PredictPool extends Predictor {
  readonly threads: number;
}

/** One per core: see `PredictPoolOptions.threads`. */
export const DEFAULT_PREDICT_THREADS = availableParallelism();

interface Pending {
  readonly resolve: (result: DigitResult) => void;
  readonly reject: (err: unknown) => void;
}

interface Slot {
  worker: Worker;
  readonly pending: Map<number, Pending>;
}

/**
 * Starts a pool of prediction workers. A model file is loaded once, on this thread, and handed to every worker in
 * shared memory (see shareModel); the pool is ready once all workers have it.
 * Tasks go to the worker with the fewest in flight, so a slow photo does not hold up small images behind it.
 * @param options - Model source and thread count.
 * @returns A Predictor; call `close()` to stop the threads.
 * @example
 * const pool = createPredictPool({ source: { kind: 'file', path: DEFAULT_MODEL_PATH } });
 * const app = createApp({ predictor: pool });
 */
export function createPredictPool(options: PredictPoolOptions): PredictPool {
  const threads = options.threads ?? DEFAULT_PREDICT_THREADS;
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  let init: WorkerInit | undefined;
  let description: ModelDescription | undefined;
  let closing = false;
  let nextId = 1;
  let readyCount = 0;
  let settleReady: { resolve: (m: ModelDescription) => void; reject: (e: unknown) => void } | undefined;
  const ready = new Promise<ModelDescription>((resolve, reject) => {
    settleReady = { resolve, reject };
  });
  // The app observes rejection through whenReady(); this keeps an unobserved failure from crashing the process.
  ready.catch(() => undefined);

  const slots: Slot[] = [];
  const inFlight = new Set<Promise<DigitResult>>();
  const spawn = (slot?: Slot): Slot => {
    const worker = spawnWorker('predict-worker', import.meta.url, { workerData: init as WorkerInit });
    const target: Slot = slot ?? { worker, pending: new Map() };
    target.worker = worker;
    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'ready':
          readyCount++;
          if (readyCount === threads) {
            description = message.model;
            settleReady?.resolve(message.model);
          }
          return;
        case 'failed':
          settleReady?.reject(fromWireError(message.error));
          return;
        case 'result':
        case 'error': {
          const pending = target.pending.get(message.id);
          if (pending === undefined) return;
          target.pending.delete(message.id);
          if (message.type === 'result') pending.resolve(message.result);
          else pending.reject(fromWireError(message.error));
          return;
        }
        default:
          assertUnreachable(message);
      }
    });
    worker.on('error', (err) => {
      failPending(target, err);
    });
    worker.on('exit', (code) => {
      failPending(target, new Error(`prediction worker exited with code ${code}`));
      // A crashed worker is replaced so the pool keeps its size; during close() exits are expected.
      if (!closing && description !== undefined) {
        readyCount--;
        spawn(target);
      } else if (!closing) {
        settleReady?.reject(new Error(`prediction worker exited with code ${code} while loading the model`));
      }
    });
    return target;
  };
  const source = options.source;
  const sourceReady: Promise<ModelSource> =
    source.kind === 'file'
      ? loadModelFile(source.path).then(({ model, sha256 }) => ({ kind: 'value', model: shareModel(model), sha256 }))
      : Promise.resolve(source.kind === 'value' ? { ...source, model: shareModel(source.model) } : source);
  sourceReady.then(
    (resolved) => {
      if (closing) return;
      init = { source: resolved };
      for (let i = 0; i < threads; i++) slots.push(spawn());
    },
    (err: unknown) => settleReady?.reject(err),
  );

  function failPending(slot: Slot, err: unknown): void {
    for (const pending of slot.pending.values()) pending.reject(err);
    slot.pending.clear();
  }

  function dispatch(bytes: Uint8Array, predictOptions: PredictOptions): Promise<DigitResult> {
    const slot = leastBusy();
    const id = nextId++;
    // Transfer the upload's buffer when it is exactly this file (the usual case) instead of copying it.
    const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    const task: TaskMessage = { id, bytes: owned, options: predictOptions };
    return new Promise<DigitResult>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage(task, [owned.buffer as ArrayBuffer]);
    });
  }

  function leastBusy(): Slot {
    let best = slots[0]!;
    for (const slot of slots) if (slot.pending.size < best.pending.size) best = slot;
    return best;
  }

  return {
    threads,
    describe: () => description,
    whenReady: () => ready,
    predict(bytes: Uint8Array, predictOptions: PredictOptions): Promise<DigitResult> {
      if (closing) return Promise.reject(new Error('the prediction pool is closed'));
      // Tracked from the first moment (even while waiting for the model) so close() waits for it.
      const result = ready.then(() => dispatch(bytes, predictOptions));
      inFlight.add(result);
      const forget = () => inFlight.delete(result);
      result.then(forget, forget);
      return result;
    },
    async close(): Promise<void> {
      closing = true;
      // In-flight tasks finish first (graceful shutdown), then the threads stop.
      await Promise.allSettled([...inFlight]);
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}

function assertUnreachable(value: never): never {
  throw new Error(`unexpected worker message ${JSON.stringify(value)}`);
}
