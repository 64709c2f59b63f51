import { parentPort, workerData } from 'node:worker_threads';
import type { EngineChoice } from '../node/kernel-wasm.js';
import { solveWarm, type WarmJob, type WarmSolution } from './warm-problem.js';
import { warmRowSource } from './warm-rows.js';

/** What warm-threads.ts hands each thread: all jobs, the order to take them in, and a shared task counter. */
export interface WarmWorkerData {
  readonly jobs: readonly WarmJob[];
  readonly order: readonly number[];
  /** [0]: the next position in `order`; threads take jobs from it until none are left. */
  readonly counter: Int32Array;
  readonly cacheBytes: number;
  readonly engine: EngineChoice;
}

/** One solved job, by its index in `jobs`. */
export interface WarmWorkerMessage {
  readonly index: number;
  readonly solution: WarmSolution;
}

const input = workerData as WarmWorkerData;
const port = parentPort;
if (port === null) throw new Error('warm-worker must run as a worker thread');
const rowsFor = await warmRowSource(input.cacheBytes, input.engine);
for (;;) {
  const at = Atomics.add(input.counter, 0, 1);
  if (at >= input.order.length) break;
  const index = input.order[at] as number;
  const job = input.jobs[index] as WarmJob;
  const solution = solveWarm(job.problem, job.C, job.tolerance, job.kernel, rowsFor, job.cold);
  port.postMessage({ index, solution } satisfies WarmWorkerMessage, [solution.coefficients.buffer as ArrayBuffer]);
}
