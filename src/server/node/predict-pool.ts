import type { Worker } from 'node:worker_threads';
import { estimateDecodeBytes } from '../../image/decode-cost.js';
import { detectFormat } from '../../image/format.js';
import { startModelMemory, type ModelMemory } from '../../ml/engine/wasm-memory.js';
import { readModelFileBytes } from '../../node/model-file-bytes.js';
import { spawnWorker } from '../../node/spawn-worker.js';
import { assertUnreachable, isNumberIn, POSITIVE_INTEGER } from '../../shared/checks.js';
import { ConfigError } from '../../shared/config-error.js';
import {
  PredictorError,
  type DigitResult,
  type ModelDescription,
  type PredictOptions,
  type Predictor,
  type PredictorStats,
  type ReadResult,
} from '../predictor.js';
import { loadInThread } from './load-in-thread.js';
import {
  DEFAULT_DECODE_MEMORY_BYTES,
  DEFAULT_MAX_BATCH,
  DEFAULT_MAX_QUEUE,
  DEFAULT_PREDICT_THREADS,
  DEFAULT_TASK_DEADLINE_MS,
  WORKER_HEAP_MB,
  WORKER_YOUNG_MB,
  type PredictPoolOptions,
} from './pool-options.js';
import {
  fromWireError,
  PROGRESS,
  type BatchMessage,
  type ModelSource,
  type TaskKind,
  type TaskMessage,
  type WorkerInit,
  type WorkerMessage,
} from './pool-protocol.js';
import { createTaskQueue, dueAt, estimatedWorkMs } from './task-queue.js';

export type { PredictPoolOptions } from './pool-options.js';

/** A predictor backed by worker threads; `threads` says how many. */
export interface PredictPool extends Predictor {
  readonly threads: number;
  stats(): PredictorStats;
  /**
   * Shutdown is near: answers every queued task CLOSED now, and any new one at once, so their clients get a 503
   * with Retry-After before the connections close, instead of a reset. Running tasks go on.
   */
  shed(): void;
  /**
   * Hot reload: loads the model file again (or `path`), then replaces each worker with one on the new model as
   * soon as it finishes the batch it is on. No request fails: queued images wait for a worker, in-flight ones end
   * on the old model. Resolves with the new model once every worker serves it; a file that does not load leaves
   * the pool as it was and rejects.
   */
  reload(path?: string): Promise<ModelDescription>;
}

/** What each kind of task resolves with. */
interface TaskResults {
  predict: DigitResult;
  read: ReadResult;
}

type Task = {
  [K in TaskKind]: {
    readonly id: number;
    readonly kind: K;
    readonly bytes: Uint8Array;
    readonly options: PredictOptions;
    readonly cost: number;
    readonly due: number;
    readonly resolve: (result: TaskResults[K]) => void;
    readonly reject: (err: unknown) => void;
    readonly detach: () => void;
  };
}[TaskKind];

interface Slot {
  worker: Worker;
  state: 'starting' | 'idle' | 'busy' | 'failed';
  /** The batch it is running, by task id; a task leaves when it is answered. */
  readonly tasks: Map<number, Task>;
  /** Shared with the worker: the task it is on and since when (see PROGRESS). */
  progress: Int32Array;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The model generation its worker was started with (hot reload swaps older ones when they finish a batch). */
  generation: number;
}

/**
 * Starts a pool of prediction workers. One worker starts at once; a model file is loaded once, meanwhile (see
 * resolveModelSource), and handed to every worker in shared memory (see shareModel). The pool is ready once that
 * first worker has it, and the other workers start then.
 *
 * Tasks wait in one queue, earliest due first (arrival plus twice the estimated work: small images do not wait
 * behind large ones, and large ones still get their turn). An idle worker takes a batch of them (up to `maxBatch`,
 * shared fairly between idle workers) and classifies it in one pass of the engine; at light load a batch is one
 * image, and no request waits for others to arrive. Every rule that keeps hostile input from holding the service
 * lives here:
 * - a deadline per image: a worker records which image it is decoding (shared memory); past the deadline that
 *   image is answered DEADLINE_EXCEEDED, the worker is terminated and replaced, and the rest of its batch goes
 *   back to the front of the queue;
 * - a crashed worker fails only the image it was on (WORKER_LOST) and is replaced; the rest of its batch is
 *   re-queued, queued tasks are untouched;
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
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  for (const [name, value] of Object.entries({
    threads,
    taskDeadlineMs: deadlineMs,
    maxQueue,
    decodeMemoryBytes: budget,
    maxBatch,
  })) {
    if (!isNumberIn(value, POSITIVE_INTEGER)) throw new ConfigError(`${name} must be a positive integer, got ${value}`);
  }
  let init: Omit<WorkerInit, 'progress'> | undefined;
  let description: ModelDescription | undefined;
  let closing = false;
  let shedding = false;
  let nextId = 1;
  let restarts = 0;
  let deadlineExceeded = 0;
  let settleReady: { resolve: (m: ModelDescription) => void; reject: (e: unknown) => void } | undefined;
  const ready = new Promise<ModelDescription>((resolve, reject) => {
    settleReady = { resolve, reject };
  });
  // The app observes rejection through whenReady(); this keeps an unobserved failure from crashing the process.
  ready.catch(() => undefined);
  let drained: (() => void) | undefined;
  let generation = 0;
  /** Generations are never reused: a worker of an abandoned reload must not pass for a current one. */
  let lastGeneration = 0;
  /** The model the pool served before a reload under way, to go back to if a worker cannot start on the new one. */
  let previous: { init: Omit<WorkerInit, 'progress'>; generation: number } | undefined;
  let reloaded: { resolve: (m: ModelDescription) => void; reject: (e: unknown) => void } | undefined;
  let pumpScheduled = false;

  const slots: Slot[] = [];
  const queue = createTaskQueue<Task>(budget);
  /**
   * Engine scratch regions of workers that have exited, for their replacements (see createWasmEngine). A region is
   * an offset into one model's shared memory, so only workers of the current model give theirs back, and a reload
   * starts an empty list: an old model's offset handed to a worker on the new one fell inside the new model's data
   * (the engine refused it and the worker reported `failed`) or on another worker's scratch.
   */
  let freeScratch: number[] = [];

  /** Workers started before the model was loaded, each waiting for it to be posted (see `start`). */
  let waitingForModel: (() => void)[] = [];

  /**
   * Starts a worker in `slot` (or a new slot). The model is posted as its first message, not passed as workerData,
   * so at startup the workers boot and import their code while the model file is still being read: 0.4 s of each
   * worker's start (2-core EPYC) no longer waits for the model, nor the model for them.
   */
  const start = (slot?: Slot): Slot => {
    const progress = new Int32Array(new SharedArrayBuffer(8));
    /** The model this worker was given: only a worker of the current model gives its scratch back. */
    let model: typeof init;
    let scratchAt: number | undefined;
    const worker = spawnWorker('predict-worker', import.meta.url, {
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
    });
    const give = (): void => {
      model = init!;
      scratchAt = freeScratch.pop();
      worker.postMessage({
        ...model,
        progress: progress.buffer,
        ...(scratchAt === undefined ? {} : { scratchAt }),
      } satisfies WorkerInit);
    };
    if (init === undefined) waitingForModel.push(give);
    else give();
    const target: Slot = slot ?? {
      worker,
      state: 'starting',
      tasks: new Map(),
      progress,
      timer: undefined,
      generation,
    };
    target.generation = generation;
    target.worker = worker;
    target.progress = progress;
    target.state = 'starting';
    options.onWorker?.(worker);
    worker.on('message', (message: WorkerMessage) => {
      if (target.worker !== worker) return; // a replaced worker's late message
      switch (message.type) {
        case 'ready':
          scratchAt = message.scratchAt;
          if (target.generation !== generation) {
            swap(target); // a worker of a reload that was abandoned: on the model the pool went back to
            return;
          }
          target.state = 'idle';
          if (description === undefined) {
            description = message.model;
            settleReady?.resolve(message.model);
            // The rest of the pool boots now that one worker serves (see the first start below).
            if (!closing) for (let i = slots.length; i < threads; i++) slots.push(start());
          }
          if (reloaded !== undefined && slots.every((s) => s.generation === generation && s.state !== 'starting')) {
            description = message.model;
            reloaded.resolve(message.model);
            reloaded = undefined;
            previous = undefined;
          }
          pump();
          return;
        case 'failed':
          target.state = 'failed';
          if (description !== undefined) {
            startFailed(target, fromWireError(message.error));
            return;
          }
          settleReady?.reject(fromWireError(message.error));
          failQueued(
            () => new PredictorError('MODEL_NOT_READY', `the model could not be loaded: ${message.error.message}`),
          );
          return;
        case 'error':
          answer(target, message.id, (task) => task.reject(fromWireError(message.error)));
          return;
        case 'reading':
          answer(target, message.id, (task) =>
            task.kind === 'read' ? task.resolve(message.result) : task.reject(new Error('a reading for an image')),
          );
          return;
        case 'results':
          for (const { id, result } of message.results) {
            answer(target, id, (task) =>
              task.kind === 'predict' ? task.resolve(result) : task.reject(new Error('a digit for a reading')),
            );
          }
          endBatch(target);
          target.state = 'idle';
          if (target.generation !== generation) swap(target);
          pump();
          return;
        default:
          assertUnreachable(message, 'worker message');
      }
    });
    // An uncaught exception in the worker is followed by 'exit'; the listener keeps it from being rethrown here.
    let crash: Error | undefined;
    worker.on('error', (err) => {
      crash = err;
      options.logError?.(`prediction worker crashed: ${err.stack ?? err.message}`);
    });
    worker.on('exit', (code) => {
      // Only now is the thread gone, so nothing can still write to its scratch.
      if (scratchAt !== undefined && model !== undefined && model === init) freeScratch.push(scratchAt);
      scratchAt = undefined;
      if (target.worker !== worker || target.state === 'failed') return; // retired by us (deadline), or never loaded
      if (description === undefined && !closing) {
        settleReady?.reject(new Error(`prediction worker exited with code ${code} while loading the model`));
        return;
      }
      // Starting on a reload's model (or an abandoned one's); other crashes while starting are retried below.
      if (target.state === 'starting' && !closing && (reloaded !== undefined || target.generation !== generation)) {
        target.state = 'failed';
        startFailed(target, crash ?? new Error(`prediction worker exited with code ${code} while loading the model`));
        return;
      }
      abandon(target, () => crashError(crash, code));
      if (!closing) replace(target);
      else checkDrained();
    });
    return target;
  };

  const source = options.source;
  // One worker first, so it boots while the model loads; the loader (and its model parser) is imported after. The
  // others start once it is ready: on a 2-core machine their boot (~0.2 s of CPU each) competed with the main
  // thread's model load and the first worker's, and held readiness back by ~40 ms (bench:start), while one worker
  // already answers every request the others would.
  slots.push(start());
  const sourceReady = startupSource(source);
  sourceReady.then(
    (resolved) => {
      if (closing) return;
      init = { source: resolved };
      for (const give of waitingForModel) give();
      waitingForModel = [];
    },
    (err: unknown) => {
      // Workers waiting for a model that will not come: stopped, and marked so their exit is not taken for a crash.
      waitingForModel = [];
      for (const slot of slots) {
        slot.state = 'failed';
        void slot.worker.terminate();
      }
      settleReady?.reject(err);
      failQueued(() => new PredictorError('MODEL_NOT_READY', 'the model could not be loaded'));
    },
  );

  /**
   * Over its heap limit the worker would fail again on the same image, so that is the image's fault (422, no
   * retry); any other crash may be the worker's, and the client may retry (503 WORKER_LOST).
   */
  function crashError(crash: Error | undefined, code: number): Error {
    if ((crash as { code?: unknown } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return Object.assign(
        new Error(
          `decoding this image needs more than a prediction worker's ${WORKER_HEAP_MB} MB; send a smaller picture`,
        ),
        { name: 'ImageError', code: 'IMAGE_TOO_COMPLEX' },
      );
    }
    return new PredictorError(
      'WORKER_LOST',
      `the prediction worker stopped (exit code ${code}) while reading this image; retry`,
    );
  }

  /** Settles one task of a slot's batch and releases its decode budget. */
  function answer(slot: Slot, id: number, settle: (task: Task) => void): void {
    const task = slot.tasks.get(id);
    if (task === undefined) return;
    slot.tasks.delete(id);
    queue.release(task);
    task.detach();
    settle(task);
    checkDrained();
  }

  /** A batch's `results` came: every task is answered; stop its clock. */
  function endBatch(slot: Slot): void {
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    slot.timer = undefined;
    // A worker answers every task it was sent; one left here would be a protocol bug, not the client's fault.
    for (const id of [...slot.tasks.keys()])
      answer(slot, id, (task) => task.reject(new Error('the worker did not answer this image')));
  }

  /**
   * The worker is being given up (deadline or crash): the image it was on gets `culprit`'s error, the rest of the
   * batch goes back to the front of the queue, in order, to be run by another worker.
   */
  function abandon(slot: Slot, culprit: () => Error): void {
    if (slot.timer !== undefined) clearTimeout(slot.timer);
    slot.timer = undefined;
    const on = Atomics.load(slot.progress, PROGRESS.task);
    const requeue: Task[] = [];
    for (const [id, task] of [...slot.tasks]) {
      if (id === on || on === PROGRESS.CLASSIFYING) {
        answer(slot, id, (t) => t.reject(culprit()));
      } else {
        slot.tasks.delete(id);
        requeue.push(task);
      }
    }
    queue.requeue(requeue);
  }

  /**
   * A worker could not start on a model the pool already served before (`description` is set). On a reload's new
   * model, the reload fails and the pool goes back to the model it had: the slots swapped so far get workers on
   * it again, queued tasks wait for them, and busy workers on it go on. Before, the reload's promise never settled
   * and the queued tasks were failed. A worker of an abandoned reload is replaced by one on the current model.
   */
  function startFailed(slot: Slot, error: Error): void {
    if (slot.generation !== generation) {
      swap(slot);
      return;
    }
    const pending = reloaded;
    if (pending === undefined || previous === undefined) {
      // The model every other worker runs: not the new model's fault, and retrying would loop. Logged, left down.
      options.logError?.(`a prediction worker could not start on the current model: ${error.message}`);
      return;
    }
    reloaded = undefined;
    init = previous.init;
    generation = previous.generation;
    previous = undefined;
    freeScratch = [];
    for (const s of slots) if (s.generation !== generation && (s.state === 'idle' || s.state === 'failed')) swap(s);
    pending.reject(
      new PredictorError('MODEL_NOT_READY', `the new model could not be started, the old one serves: ${error.message}`),
    );
    pump();
  }

  /** Hot reload: the slot's worker is idle and on an old model; a worker on the current one takes its place. */
  function swap(slot: Slot): void {
    const old = slot.worker;
    start(slot);
    void old.terminate();
  }

  function replace(slot: Slot): void {
    restarts++;
    const old = slot.worker;
    start(slot);
    void old.terminate();
  }

  /** Fires `deadlineMs` after a batch starts, then again each time the worker had moved on to a later image. */
  function checkDeadline(slot: Slot): void {
    const elapsed = ((Date.now() | 0) - Atomics.load(slot.progress, PROGRESS.since)) | 0;
    if (elapsed < deadlineMs) {
      slot.timer = setTimeout(() => checkDeadline(slot), deadlineMs - elapsed);
      return;
    }
    deadlineExceeded++;
    abandon(
      slot,
      () =>
        new PredictorError(
          'DEADLINE_EXCEEDED',
          `reading this image took longer than the ${deadlineMs} ms limit; send a smaller picture, or a baseline JPEG or PNG`,
        ),
    );
    replace(slot);
    schedulePump();
  }

  /** Defers dispatch to the end of this turn of the event loop, so images that arrived together go out together. */
  function schedulePump(): void {
    if (pumpScheduled) return;
    pumpScheduled = true;
    setImmediate(() => {
      pumpScheduled = false;
      pump();
    });
  }

  /** Hands queued tasks to idle workers: batches shared fairly, each task in arrival order if its decode memory fits. */
  function pump(): void {
    const idle = slots.filter((slot) => slot.state === 'idle');
    for (let k = 0; k < idle.length && queue.length > 0; k++) {
      const batch = queue.take(Math.min(maxBatch, Math.ceil(queue.length / (idle.length - k))));
      if (batch.length === 0) return;
      dispatch(idle[k]!, batch);
    }
  }

  function dispatch(slot: Slot, batch: readonly Task[]): void {
    slot.state = 'busy';
    for (const task of batch) slot.tasks.set(task.id, task);
    Atomics.store(slot.progress, PROGRESS.since, Date.now() | 0);
    Atomics.store(slot.progress, PROGRESS.task, batch[0]!.id);
    slot.timer = setTimeout(() => checkDeadline(slot), deadlineMs);
    const message: BatchMessage = {
      tasks: batch.map((task): TaskMessage => ({
        id: task.id,
        kind: task.kind,
        bytes: task.bytes,
        options: task.options,
      })),
    };
    // Copied (structured clone), not transferred: the pool keeps the bytes until the image is answered, so the rest
    // of a batch can be sent to another worker if this one is given up. A 28x28 PNG is ~1 KB; a 10 MB upload
    // costs a few milliseconds of copying, against its hundreds of milliseconds of decoding.
    slot.worker.postMessage(message);
  }

  function failQueued(error: () => Error): void {
    for (const task of queue.drain()) {
      task.detach();
      task.reject(error());
    }
    checkDrained();
  }

  function checkDrained(): void {
    if (drained !== undefined && queue.length === 0 && slots.every((s) => s.tasks.size === 0)) drained();
  }

  /** Queues one task (a prediction or a reading: same queue, deadline and bounds), or refuses it at once. */
  function enqueue<K extends TaskKind>(
    kind: K,
    bytes: Uint8Array,
    predictOptions: PredictOptions,
    signal: AbortSignal | undefined,
  ): Promise<TaskResults[K]> {
    if (closing || shedding)
      return Promise.reject(new PredictorError('CLOSED', 'the server is shutting down; retry on another instance'));
    if (signal?.aborted) return Promise.reject(new PredictorError('CANCELLED', 'the request was aborted'));
    // Not PNG or JPEG (or empty): the same answer the worker would give, without copying the bytes to it (a 9 MB
    // upload of noise cost the main thread ~20 ms of postMessage under bench:soak).
    try {
      detectFormat(bytes);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    if (queue.length >= maxQueue) {
      return Promise.reject(
        new PredictorError('BUSY', `the server is busy (${queue.length} images waiting); retry in a moment`),
      );
    }
    return new Promise<TaskResults[K]>((resolve, reject) => {
      const onAbort = () => {
        if (!queue.remove(task)) return; // already running: it ends by itself, or at its deadline
        reject(new PredictorError('CANCELLED', 'the request was aborted'));
        checkDrained();
      };
      const cost = estimateDecodeBytes(bytes);
      const task = {
        id: nextId++,
        kind,
        bytes,
        options: predictOptions,
        cost,
        due: dueAt(performance.now(), estimatedWorkMs(kind, cost)),
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      } as Task;
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(task);
      schedulePump();
    });
  }

  function stats(): PredictorStats {
    return {
      threads,
      workersReady: slots.filter((s) => s.state === 'idle' || s.state === 'busy').length,
      queued: queue.length,
      running: slots.reduce((n, s) => n + s.tasks.size, 0),
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
    predict: (bytes, predictOptions, signal) => enqueue('predict', bytes, predictOptions, signal),
    read: (bytes, predictOptions, signal) => enqueue('read', bytes, predictOptions, signal),
    shed(): void {
      shedding = true;
      failQueued(() => new PredictorError('CLOSED', 'the server is shutting down; retry on another instance'));
    },
    async reload(path?: string): Promise<ModelDescription> {
      const file = path ?? (source.kind === 'file' ? source.path : undefined);
      if (file === undefined)
        throw new PredictorError('MODEL_NOT_READY', 'this pool was given a model value, not a file');
      if (reloaded !== undefined) throw new PredictorError('BUSY', 'a reload is already under way');
      const resolved = await loadInThread(file);
      if (closing) throw new PredictorError('CLOSED', 'the server is shutting down');
      const done = new Promise<ModelDescription>((resolve, reject) => {
        reloaded = { resolve, reject };
      });
      previous = { init: init!, generation };
      init = { source: resolved };
      generation = ++lastGeneration;
      freeScratch = [];
      // Idle workers swap now; busy ones after their batch (the 'results' handler), so no request is cut short.
      for (const slot of slots) if (slot.state === 'idle' || slot.state === 'failed') swap(slot);
      return done;
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

/**
 * The model at startup: the file's read (and gunzip, for a `.gz` file) on libuv's pool start first, and only then
 * the import of the model reader, so the two overlap with the workers' boot. A function of its own so that a gzip
 * file's bytes (read and inflated) are held by nothing once decoded: as a variable of the pool's scope they were
 * captured with it and kept for the server's life (a heap snapshot showed both).
 */
function startupSource(source: ModelSource): Promise<WorkerInit['source']> {
  let memory: ModelMemory | undefined;
  // Read into the shared memory the workers will use: an uncompressed binary file is then used where it lies.
  const bytes =
    source.kind === 'file'
      ? readModelFileBytes(source.path, { into: (byteLength) => (memory = startModelMemory(byteLength)).bytes })
      : undefined;
  bytes?.catch(() => undefined); // observed by resolveModelSource, once the reader is imported
  return import('./load-model-source.js').then((loader) =>
    loader.resolveModelSource(source, bytes && { bytes, memory: () => memory }),
  );
}
