import { parentPort, workerData } from 'node:worker_threads';
import type { KernelData, PolyKernel } from '../ml/kernel.js';
import { solveDigit, type ClassSolution } from '../ml/ovr.js';
import { sharedKernelRows, type SharedRowCache } from './shared-kernel-rows.js';

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
}

export type TrainWorkerMessage =
  | { readonly type: 'progress'; readonly digit: number; readonly iterations: number; readonly activeSize: number; readonly gap: number }
  | { readonly type: 'done'; readonly solution: ClassSolution; readonly rowsComputed: number };

const input = workerData as TrainWorkerData;
const port = parentPort;
if (port === null) throw new Error('train-worker must run as a worker thread');
const rows = sharedKernelRows(input.data, input.kernel, input.cache, input.localCacheBytes);
for (;;) {
  const task = Atomics.add(input.taskCounter, 0, 1);
  if (task >= input.digits.length) break;
  const digit = input.digits[task] as number;
  const before = rows.stats.misses;
  const solution = solveDigit(rows, input.labels, digit, {
    C: input.C,
    tolerance: input.tolerance,
    shrinking: input.shrinking,
    progressEvery: 2000,
    onProgress: (d, p) => port.postMessage({ type: 'progress', digit: d, ...p } satisfies TrainWorkerMessage),
  });
  port.postMessage({ type: 'done', solution, rowsComputed: rows.stats.misses - before } satisfies TrainWorkerMessage, [
    solution.indices.buffer as ArrayBuffer,
    solution.coefficients.buffer as ArrayBuffer,
  ]);
}
