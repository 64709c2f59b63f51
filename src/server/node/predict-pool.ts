import type { Worker } from 'node:worker_threads';
import { estimateDecodeBytes } from '../../image/decode-cost.js';
import { loadModelFile } from '../../node/model-file.js';
import { spawnWorker } from '../../node/spawn-worker.js';
import {
  PredictorError,
  type DigitResult,
  type ModelDescription,
  type PredictOptions,
  type Predictor,
  type PredictorStats,
} from '../predictor.js';
import { cpusGranted } from './cpus.js';
import { fromWireError, type ModelSource, type TaskMessage, type WorkerInit, type WorkerMessage } from './pool-protocol.js';
import { shareModel } from './share-model.js';

/** Options of `createPredictPool`. */
export interface PredictPoolOptions {
  /** The model: a file (loaded once, here) or a model value; either way the workers share one copy. */
  readonly source: ModelSource;
  /** Worker threads; default one per CPU granted to the process (see cpusGranted). */
  readonly threads?: number;
  /** A task running longer than this is answered DEADLINE_EXCEEDED and its worker replaced. */
  readonly taskDeadlineMs?: number;
  /** Most tasks waiting for a thread; past it, predict() rejects with BUSY at once. */
  readonly maxQueue?: number;
  /** Estimated decode memory (bytes) of the tasks running at once; a task that does not fit waits its turn. */
  readonly decodeMemoryBytes?: number;
  /** Called with every worker the pool starts (first ones and replacements): for tests and instrumentation. */
  readonly onWorker?: (worker: Worker) => void;
}

/** A predictor backed by worker threads; `threads` says how many. */
export interface PredictPool extends Predictor {
  readonly threads: number;
  stats(): PredictorStats;
}

/** One per CPU the process may use (cgroup quota included): prediction is CPU-bound, more threads only add switching. */
export const DEFAULT_PREDICT_THREADS = cpusGranted();
/**
 * 10 s: a 12 MP photo, the largest upload the default limits allow, took 3.8 s to decode and normalize on a busy
 * 2-core Intel Xeon (jpeg-js); this leaves room for slower machines. A file that passes the structural checks
 * but costs more is cut off here, and the decode-memory budget keeps such files to one worker at a time.
 */
export const DEFAULT_TASK_DEADLINE_MS = 10_000;
/** 64 tasks: four full 16-file requests, or ~0.2 s of small-image work on two threads, before BUSY. */
export const DEFAULT_MAX_QUEUE = 64;
/**
 * 512 MiB: one full-size decode (12 MP x 35 B/px = 420 MB) at a time, beside any number of small ones, so two
 * large photos never peak together.
 */
export const DEFAULT_DECODE_MEMORY_BYTES = 512 * 1024 * 1024;
/**
 * V8 heap per worker. The pixel buffers live outside it (typed arrays), bounded by the decode budget; this
 * catches a runaway JS heap, which ends the worker (WORKER_LOST) instead of the process.
 */
const WORKER_HEAP_MB = 256;

interface Task {
  readonly bytes: Uint8Array;
  readonly options: PredictOptions;
  readonly cost: number;
  readonly resolve: (result: DigitResult) => void;
  readonly reject: (err: unknown) => void;
  readonly detach: () => void;
}

interface Slot {
  worker: Worker;
  state: 'starting' | 'idle' | 'busy' | 'failed';
  task: Task | undefined;
  taskId: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Starts a pool of prediction workers. A model file is loaded once, on this thread, and handed to every worker in
 * shared memory (see shareModel); the pool is ready once all workers have it.
 *
 * Tasks wait in one queue and each worker runs one at a time, so a slow image delays nothing queued behind it on
 * "its" worker: there is none. Every rule that keeps hostile input from holding the service lives here:
 * - a deadline per task: past it the task is answered DEADLINE_EXCEEDED and its worker terminated and replaced;
 * - a crashed worker fails only the task it was running (WORKER_LOST) and is replaced; queued tasks are untouched;
 * - a bounded queue: past `maxQueue` waiting tasks, predict() rejects with BUSY at once;
 * - a decode-memory budget: tasks run together only while their estimated decode memory fits;
 * - an aborted task (its client hung up) leaves the queue before it costs anything.
 * @param options - Model source, thread count and the bounds above.
 * @returns A Predictor; call `close()` to stop the threads.
 * @example
 * const pool = createPredictPool({ source: { kind: 'file', path: DEFAULT_MODEL_PATH } });
 * const app = createApp({ predictor: pool });
 */
export function createPredictPool(options: PredictPoolOptions): PredictPool {
  const threads = options.threads ?? DEFAULT_PREDICT_THREADS;
  const deadlineMs = options.taskDeadlineMs ?? DEFAULT_TASK_DEADLINE_MS;
  const maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
  const budget = options.decodeMemoryBytes ?? DEFAULT_DECODE_MEMORY_BYTES;
  for (const [name, value] of Object.entries({ threads, taskDeadlineMs: deadlineMs, maxQueue, decodeMemoryBytes: budget })) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  let init: WorkerInit | undefined;
  let description: ModelDescription | undefined;
  let closing = false;
  let nextId = 1;
  let costRunning = 0;
  let restarts = 0;
  let deadlineExceeded = 0;
  let settleReady: { resolve: (m: ModelDescription) => void; reject: (e: unknown) => void } | undefined;
  const ready = new Promise<ModelDescription>((resolve, reject) => {
    settleReady = { resolve, reject };
  });
  // The app observes rejection through whenReady(); this keeps an unobserved failure from crashing the process.
  ready.catch(() => undefined);
  let drained: (() => void) | undefined;

  const slots: Slot[] = [];
  const queue: Task[] = [];

  const start = (slot?: Slot): Slot => {
    const worker = spawnWorker('predict-worker', import.meta.url, {
      workerData: init as WorkerInit,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    const target: Slot = slot ?? { worker, state: 'starting', task: undefined, taskId: 0, timer: undefined };
    target.worker = worker;
    target.state = 'starting';
    options.onWorker?.(worker);
    worker.on('message', (message: WorkerMessage) => {
      if (target.worker !== worker) return; // a replaced worker's late message
      switch (message.type) {
        case 'ready':
          target.state = 'idle';
          if (description === undefined && slots.every((s) => s.state === 'idle' || s.state === 'busy')) {
            description = message.model;
            settleReady?.resolve(message.model);
          }
          pump();
          return;
        case 'failed':
          target.state = 'failed';
          settleReady?.reject(fromWireError(message.error));
          failQueued(() => new PredictorError('MODEL_NOT_READY', `the model could not be loaded: ${message.error.message}`));
          return;
        case 'result':
        case 'error':
          if (message.id !== target.taskId) return;
          finish(target, (task) => (message.type === 'result' ? task.resolve(message.result) : task.reject(fromWireError(message.error))));
          target.state = 'idle';
          pump();
          return;
        default:
          assertUnreachable(message);
      }
    });
    // An uncaught exception in the worker is followed by 'exit'; the listener keeps it from being rethrown here.
    worker.on('error', () => undefined);
    worker.on('exit', (code) => {
      if (target.worker !== worker || target.state === 'failed') return; // retired by us (deadline), or never loaded
      if (description === undefined && !closing) {
        settleReady?.reject(new Error(`prediction worker exited with code ${code} while loading the model`));
        return;
      }
      finish(target, (task) =>
        task.reject(new PredictorError('WORKER_LOST', `the prediction worker stopped (exit code ${code}) while reading this image; retry`)),
      );
      if (!closing) replace(target);
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
      for (let i = 0; i < threads; i++) slots.push(start());
    },
    (err: unknown) => {
      settleReady?.reject(err);
      failQueued(() => new PredictorError('MODEL_NOT_READY', 'the model could not be loaded'));
    },
  );

  /** Ends a slot's task (if any): stops its clock, releases its decode budget, settles it. */
  function finish(slot: Slot, settle: (task: Task) => void): void {
    const task = slot.task;
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.task = undefined;
    slot.taskId = 0;
    if (task === undefined) return;
    costRunning -= task.cost;
    task.detach();
    settle(task);
    checkDrained();
  }

  function replace(slot: Slot): void {
    restarts++;
    const old = slot.worker;
    start(slot);
    void old.terminate();
  }

  function onDeadline(slot: Slot): void {
    deadlineExceeded++;
    finish(slot, (task) =>
      task.reject(
        new PredictorError(
          'DEADLINE_EXCEEDED',
          `reading this image took longer than the ${deadlineMs} ms limit; send a smaller picture, or a baseline JPEG or PNG`,
        ),
      ),
    );
    replace(slot);
  }

  /** Hands queued tasks to idle workers: the first task whose decode memory fits, in arrival order. */
  function pump(): void {
    for (const slot of slots) {
      if (slot.state !== 'idle' || queue.length === 0) continue;
      const index = queue.findIndex((task) => costRunning === 0 || costRunning + task.cost <= budget);
      if (index === -1) return;
      const task = queue.splice(index, 1)[0]!;
      const id = nextId++;
      slot.state = 'busy';
      slot.task = task;
      slot.taskId = id;
      costRunning += task.cost;
      slot.timer = setTimeout(() => onDeadline(slot), deadlineMs);
      const message: TaskMessage = { id, bytes: task.bytes, options: task.options };
      // Transferred, not copied: the pool owns these bytes (see predict()).
      slot.worker.postMessage(message, [task.bytes.buffer as ArrayBuffer]);
    }
  }

  function failQueued(error: () => Error): void {
    for (const task of queue.splice(0)) {
      task.detach();
      task.reject(error());
    }
    checkDrained();
  }

  function checkDrained(): void {
    if (drained !== undefined && queue.length === 0 && slots.every((s) => s.task === undefined)) drained();
  }

  function stats(): PredictorStats {
    return {
      threads,
      workersReady: slots.filter((s) => s.state === 'idle' || s.state === 'busy').length,
      queued: queue.length,
      running: slots.filter((s) => s.task !== undefined).length,
      saturated: queue.length >= maxQueue,
      restarts,
      deadlineExceeded,
    };
  }

  return {
    threads,
    stats,
    describe: () => description,
    whenReady: () => ready,
    predict(bytes: Uint8Array, predictOptions: PredictOptions, signal?: AbortSignal): Promise<DigitResult> {
      if (closing) return Promise.reject(new PredictorError('CLOSED', 'the server is shutting down; retry on another instance'));
      if (signal?.aborted) return Promise.reject(new PredictorError('CANCELLED', 'the request was aborted'));
      if (queue.length >= maxQueue) {
        return Promise.reject(new PredictorError('BUSY', `the server is busy (${queue.length} images waiting); retry in a moment`));
      }
      // The pool transfers the bytes to a worker, so it owns them: the upload's own buffer when it is exactly this
      // file (the usual case), else a copy.
      const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
      return new Promise<DigitResult>((resolve, reject) => {
        const onAbort = () => {
          const index = queue.indexOf(task);
          if (index === -1) return; // already running: it ends by itself, or at its deadline
          queue.splice(index, 1);
          reject(new PredictorError('CANCELLED', 'the request was aborted'));
          checkDrained();
        };
        const task: Task = {
          bytes: owned,
          options: predictOptions,
          cost: estimateDecodeBytes(owned),
          resolve,
          reject,
          detach: () => signal?.removeEventListener('abort', onAbort),
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(task);
        pump();
      });
    },
    async close(): Promise<void> {
      closing = true;
      if (description === undefined) failQueued(() => new PredictorError('CLOSED', 'the server is shutting down'));
      // Queued and running tasks finish first (graceful shutdown), then the threads stop.
      await new Promise<void>((resolve) => {
        drained = resolve;
        checkDrained();
      });
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}

function assertUnreachable(value: never): never {
  throw new Error(`unexpected worker message ${JSON.stringify(value)}`);
}
