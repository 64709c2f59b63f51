import { ConfigError } from '../shared/config-error.js';
import { prepareKernelData, type KernelData, type PolyKernel } from '../ml/kernel.js';
import { wasmSimdAvailable } from '../ml/engine/wasm-engine.js';
import { placeKernelData } from '../ml/engine/wasm-rows.js';
import { MAX_SHARED_PAGES, PAGE } from '../ml/engine/wasm-memory.js';
import type { EngineChoice } from '../node/kernel-wasm.js';
import { DIGITS, type ClassSolution } from '../ml/ovr.js';
import { runWorkers } from '../node/spawn-worker.js';
import { allocateSharedRowCache, cachedRowCount } from './shared-kernel-rows.js';
import type { RowArena, TrainWorkerData, TrainWorkerMessage } from './train-worker.js';
import { PIXELS } from '../shared/mnist.js';

/** A training thread's row-cache memory (defined with the worker's data, which carries it). */
export type { RowArena } from './train-worker.js';

/** Progress events of a threaded training run, for the CLI's stderr lines. */
export type TrainEvent =
  | {
      readonly type: 'progress';
      readonly digit: number;
      readonly iterations: number;
      readonly activeSize: number;
      readonly gap: number;
      readonly cachedRows: number;
    }
  | {
      readonly type: 'class-done';
      readonly solution: ClassSolution;
      readonly done: number;
      readonly cachedRows: number;
      /** Kernel rows this digit's solver asked for, and how many of them had to be computed (cache misses). */
      readonly rowRequests: number;
      readonly rowsComputed: number;
    };

/** Options of {@link trainOneVsRestThreaded}: kernel, C, tolerance, shrinking, threads, shared cache budget. */
export interface ThreadedTrainOptions {
  readonly kernel: PolyKernel;
  readonly C: number;
  readonly tolerance: number;
  readonly shrinking: boolean;
  readonly threads: number;
  /** Kernel-row cache budget in bytes: the threads' own LRU caches plus the shared cache, if any. */
  readonly cacheBytes: number;
  /** Share of the budget split between the threads' own LRU caches (the rest is the shared, never-evicted cache). */
  readonly localCacheShare?: number;
  /** Which engine computes kernel rows: WebAssembly SIMD where it runs (`auto`, the default) or JavaScript. */
  readonly backend?: EngineChoice;
  /**
   * The order the threads take the digits in (each digit once); 0 to 9 by default. Longest first (see
   * {@link longestFirst}) keeps the last digit from running alone on one core; the solutions do not depend on it.
   */
  readonly digitOrder?: readonly number[];
  /**
   * Memory for the threads' own row caches (from {@link allocateRowArenas}), to use again in a later call: a
   * two-stage run passes the same arenas to both stages. Each thread allocates its own when omitted.
   */
  readonly rowArenas?: readonly RowArena[];
  readonly onEvent?: (event: TrainEvent) => void;
}

/**
 * Share of the budget given to the threads' own least-recently-used caches by default: all of it. With a budget of
 * a few percent of the rows (2 GiB is 3.5% of the shipped configuration's 120,000 rows) a cache that adapts to the
 * digit being solved beats one filled for good by the first rows asked for: on 15,000 images with 3.5% of the rows
 * cacheable, 38,157 rows computed with per-thread LRUs against 41,918 with a shared never-evicted cache and 128 MB
 * LRUs (the previous split; 44-48% hits either way). `localCacheShare` below 1 keeps a shared part.
 */
const DEFAULT_LOCAL_CACHE_SHARE = 1;

/** Threads a one-vs-rest fit runs on: as asked, at least one, at most one per digit. */
function trainingThreads(asked: number): number {
  return Math.max(1, Math.min(asked, DIGITS.length));
}

/** Each thread's own row-cache budget in bytes. */
function localRowCacheBytes(options: Pick<ThreadedTrainOptions, 'cacheBytes' | 'localCacheShare' | 'threads'>): number {
  return Math.floor(
    (options.cacheBytes * (options.localCacheShare ?? DEFAULT_LOCAL_CACHE_SHARE)) / trainingThreads(options.threads),
  );
}

/** Room a WebAssembly row memory keeps above its arena for the solver's arrays (29 bytes a variable). */
const SOLVER_ROOM_PAGES = 128;

/**
 * Memory for each training thread's own row cache, shared (committed page by page as rows are written), to pass as
 * `rowArenas` to every fit of one run. A plan (its `engine` for the backend) or the threaded options.
 */
export function allocateRowArenas(
  options: Pick<ThreadedTrainOptions, 'cacheBytes' | 'localCacheShare' | 'threads' | 'backend'> & {
    readonly engine?: EngineChoice;
  },
): RowArena[] {
  const backend = options.backend ?? options.engine;
  const floats = Math.floor(localRowCacheBytes(options) / 4);
  const pages = Math.ceil((4 * floats) / PAGE);
  const wasm = backend !== 'js' && wasmSimdAvailable() && pages + SOLVER_ROOM_PAGES <= MAX_SHARED_PAGES;
  return Array.from({ length: trainingThreads(options.threads) }, () => {
    if (!wasm) return { rows: new Float32Array(new SharedArrayBuffer(4 * floats)) };
    const memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_SHARED_PAGES, shared: true });
    return { rows: new Float32Array(memory.buffer, 0, floats), memory };
  });
}

/**
 * The digits ordered by the work an earlier fit of similar data put into each (its SMO iterations, most first; ties
 * by digit), so a thread that takes the next digit as it finishes one ends close to the others (longest processing
 * time first, Graham 1969). On the shipped configuration's second stage the ten problems took 14-88 s each; in
 * digit order the last one ran alone for the final 20 s.
 */
export function longestFirst(earlier: readonly { readonly digit: number; readonly iterations: number }[]): number[] {
  return [...earlier].sort((a, b) => b.iterations - a.iterations || a.digit - b.digit).map((s) => s.digit);
}

function kernelData(images: Uint8Array, n: number, options: ThreadedTrainOptions): KernelData {
  const backend = options.backend ?? 'auto';
  if (backend === 'wasm-simd' && !wasmSimdAvailable())
    throw new Error('WebAssembly SIMD is not available in this runtime');
  if (backend !== 'js' && wasmSimdAvailable()) return placeKernelData(images, n, PIXELS, options.kernel);
  return prepareKernelData(images, n, PIXELS, options.kernel, (bytes) => new SharedArrayBuffer(bytes));
}

/**
 * Trains the ten one-vs-rest SVMs on `threads` worker threads within one kernel-row cache budget. Kernel rows are
 * computed exactly (integer dot products), so the result does not depend on which thread computed what: the same
 * data and options give the same solutions.
 *
 * @param images n x 784 preprocessed bytes
 */
export async function trainOneVsRestThreaded(
  images: Uint8Array,
  labels: Uint8Array,
  options: ThreadedTrainOptions,
): Promise<ClassSolution[]> {
  const n = labels.length;
  const digits = options.digitOrder ?? DIGITS;
  if (digits.length !== DIGITS.length || DIGITS.some((d) => !digits.includes(d)))
    throw new ConfigError(`digitOrder must hold each of the digits 0-9 once, got [${digits.join(', ')}]`);
  const share = (bytes: number): ArrayBufferLike => new SharedArrayBuffer(bytes);
  const data = kernelData(images, n, options);
  const sharedLabels = new Uint8Array(share(n));
  sharedLabels.set(labels);
  const threads = trainingThreads(options.threads);
  const localCacheBytes = localRowCacheBytes(options);
  const cache = allocateSharedRowCache(n, options.cacheBytes - threads * localCacheBytes);
  const taskCounter = new Int32Array(share(4));
  const workerData: TrainWorkerData = {
    data,
    kernel: options.kernel,
    labels: sharedLabels,
    cache,
    taskCounter,
    digits,
    C: options.C,
    tolerance: options.tolerance,
    shrinking: options.shrinking,
    localCacheBytes,
    ...(options.rowArenas === undefined ? {} : { rowArenas: options.rowArenas }),
    arenaCounter: new Int32Array(share(4)),
  };
  const solutions = new Map<number, ClassSolution>();
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
        options.onEvent?.({
          type: 'class-done',
          solution: message.solution,
          done: solutions.size,
          cachedRows: cachedRowCount(cache),
          rowRequests: message.rowRequests,
          rowsComputed: message.rowsComputed,
        });
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
