import { prepareKernelData, type PolyKernel } from '../ml/kernel.js';
import { DIGITS, type ClassSolution } from '../ml/ovr.js';
import { runWorkers } from './spawn-worker.js';
import { allocateSharedRowCache, cachedRowCount } from './shared-kernel-rows.js';
import type { TrainWorkerData, TrainWorkerMessage } from './train-worker.js';

/** Progress events of a threaded training run, for the CLI's stderr lines. */
export type TrainEvent =
  | { readonly type: 'progress'; readonly digit: number; readonly iterations: number; readonly activeSize: number; readonly gap: number; readonly cachedRows: number }
  | { readonly type: 'class-done'; readonly solution: ClassSolution; readonly done: number; readonly cachedRows: number };

/** Options of {@link trainOneVsRestThreaded}: kernel, C, tolerance, shrinking, threads, shared cache budget. */
export interface ThreadedTrainOptions {
  readonly kernel: PolyKernel;
  readonly C: number;
  readonly tolerance: number;
  readonly shrinking: boolean;
  readonly threads: number;
  /** Shared kernel-row cache budget in bytes. */
  readonly cacheBytes: number;
  readonly onEvent?: (event: TrainEvent) => void;
}

/** Per-thread fallback cache once the shared budget is spent. */
const LOCAL_CACHE_BYTES = 256 * 1024 * 1024;

/**
 * Trains the ten one-vs-rest SVMs on `threads` worker threads that share one kernel-row cache. Kernel rows are
 * computed exactly (integer dot products), so the result does not depend on which thread computed what: the same
 * data and options give the same solutions.
 *
 * @param images n x 784 preprocessed bytes
 */
export async function trainOneVsRestThreaded(images: Uint8Array, labels: Uint8Array, options: ThreadedTrainOptions): Promise<ClassSolution[]> {
  const n = labels.length;
  const share = (bytes: number): ArrayBufferLike => new SharedArrayBuffer(bytes);
  const data = prepareKernelData(images, n, 784, options.kernel, share);
  const sharedLabels = new Uint8Array(share(n));
  sharedLabels.set(labels);
  const cache = allocateSharedRowCache(n, options.cacheBytes);
  const taskCounter = new Int32Array(share(4));
  const workerData: TrainWorkerData = {
    data,
    kernel: options.kernel,
    labels: sharedLabels,
    cache,
    taskCounter,
    digits: DIGITS,
    C: options.C,
    tolerance: options.tolerance,
    shrinking: options.shrinking,
    localCacheBytes: LOCAL_CACHE_BYTES,
  };
  const solutions = new Map<number, ClassSolution>();
  const threads = Math.max(1, Math.min(options.threads, DIGITS.length));
  await runWorkers<TrainWorkerMessage>(
    'train-worker',
    import.meta.url,
    threads,
    { workerData },
    (message) => {
      if (message.type === 'progress') {
        options.onEvent?.({ ...message, cachedRows: cachedRowCount(cache) });
      } else {
        solutions.set(message.solution.digit, message.solution);
        options.onEvent?.({ type: 'class-done', solution: message.solution, done: solutions.size, cachedRows: cachedRowCount(cache) });
      }
    },
    'training thread',
  );
  return DIGITS.map((d) => {
    const s = solutions.get(d);
    if (s === undefined) throw new Error(`training thread returned no solution for digit ${d}`);
    return s;
  });
}
