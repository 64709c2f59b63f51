import { parentPort, workerData } from 'node:worker_threads';
import { createWasmKernelRows, type PlacedKernelData } from '../ml/engine/wasm-rows.js';
import { createSmoWorkspace } from '../ml/engine/wasm-smo.js';
import type { SmoWorkspace } from '../ml/smo.js';
import { createJsKernelRows, type KernelData, type KernelRowEngine, type PolyKernel } from '../ml/kernel.js';
import { loadKernelModules } from '../node/kernel-wasm.js';
import { solveDigit, type ClassSolution } from '../ml/ovr.js';
import { sharedKernelRows, type SharedRowCache } from './shared-kernel-rows.js';

/**
 * One training thread's row-cache memory. `rows` is the cache's arena; where WebAssembly SIMD runs it is the start of
 * a shared WebAssembly `memory`, so that the thread's solver can run its loops over the cached rows in WebAssembly
 * (its arrays go after the arena: engine/wasm-smo.ts).
 */
export interface RowArena {
  readonly rows: Float32Array;
  readonly memory?: WebAssembly.Memory;
}

/** What the main thread hands each training worker; every typed array sits on a SharedArrayBuffer. */
export interface TrainWorkerData {
  readonly data: KernelData;
  readonly kernel: PolyKernel;
  readonly labels: Uint8Array;
  readonly cache: SharedRowCache;
  /** [0]: next digit to solve; threads take digits from it until all ten are taken. */
  readonly taskCounter: Int32Array;
  readonly digits: readonly number[];
  readonly C: number;
  readonly tolerance: number;
  readonly shrinking: boolean;
  readonly localCacheBytes: number;
  /** Memory for the threads' own caches, one each, kept by the caller across stages (see createKernelRowCache). */
  readonly rowArenas?: readonly RowArena[];
  /** [0]: the next arena to claim; each thread takes one. */
  readonly arenaCounter: Int32Array;
}

export type TrainWorkerMessage =
  | {
      readonly type: 'progress';
      readonly digit: number;
      readonly iterations: number;
      readonly activeSize: number;
      readonly gap: number;
    }
  | {
      readonly type: 'done';
      readonly solution: ClassSolution;
      readonly rowRequests: number;
      readonly rowsComputed: number;
    };

const input = workerData as TrainWorkerData;
const port = parentPort;
if (port === null) throw new Error('train-worker must run as a worker thread');
// Data placed in a shared WebAssembly memory (train-threads.ts does that where SIMD runs) gets the WebAssembly
// engine; rows are bit-identical either way, so the model does not depend on it.
const modules =
  (input.data as Partial<PlacedKernelData>).placement === undefined ? undefined : await loadKernelModules();
const engine: KernelRowEngine =
  modules === undefined
    ? createJsKernelRows(input.data, input.kernel)
    : createWasmKernelRows(input.data, input.kernel, modules);
const claimed = input.rowArenas?.[Atomics.add(input.arenaCounter, 0, 1)];
// An arena at the start of a WebAssembly memory: the solver's arrays go after it and its loops run in WebAssembly
// over the cached rows (the same multipliers; about a third of the JavaScript loops' time). The rows' views are
// taken on the workspace's buffer, which the solver recognizes them by.
let arena = claimed?.rows;
let workspace: SmoWorkspace | undefined;
if (claimed?.memory !== undefined && modules?.shared !== undefined) {
  workspace = createSmoWorkspace(claimed.memory, modules.shared, 4 * claimed.rows.length, input.data.n);
  if (workspace !== undefined) arena = new Float32Array(workspace.buffer, 0, claimed.rows.length);
}
const rows = sharedKernelRows(input.data, input.kernel, input.cache, input.localCacheBytes, engine, arena);
for (;;) {
  const task = Atomics.add(input.taskCounter, 0, 1);
  if (task >= input.digits.length) break;
  const digit = input.digits[task] as number;
  const before = rows.stats.misses;
  const requestsBefore = rows.stats.hits + rows.stats.misses;
  const solution = solveDigit(rows, input.labels, digit, {
    C: input.C,
    tolerance: input.tolerance,
    shrinking: input.shrinking,
    ...(workspace === undefined ? {} : { workspace }),
    progressEvery: 2000,
    onProgress: (d, p) => port.postMessage({ type: 'progress', digit: d, ...p } satisfies TrainWorkerMessage),
  });
  const rowRequests = rows.stats.hits + rows.stats.misses - requestsBefore;
  port.postMessage(
    { type: 'done', solution, rowRequests, rowsComputed: rows.stats.misses - before } satisfies TrainWorkerMessage,
    [solution.indices.buffer as ArrayBuffer, solution.coefficients.buffer as ArrayBuffer],
  );
}
