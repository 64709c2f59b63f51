import type { EngineChoice } from '../node/kernel-wasm.js';
import { runWorkers } from '../node/spawn-worker.js';
import type { WarmSolution, WarmSolver } from './warm-problem.js';
import type { WarmWorkerData, WarmWorkerMessage } from './warm-worker.js';

/**
 * A solver that spreads the jobs over `threads` worker threads (warm-worker.ts), largest first so the last ones to
 * finish are short. Each job is solved exactly as in one thread (its own kernel rows, rows bit-identical across
 * engines), so the answers do not depend on the thread count.
 * @param cacheBytes - Row cache of one problem; each thread holds one problem's at a time.
 */
export function solveOnThreads(threads: number, cacheBytes: number, engine: EngineChoice = 'auto'): WarmSolver {
  return async (jobs) => {
    const order = jobs.map((_, i) => i).sort((a, b) => jobs[b]!.problem.y.length - jobs[a]!.problem.y.length || a - b);
    const solutions = new Array<WarmSolution | undefined>(jobs.length);
    const workerData: WarmWorkerData = {
      jobs,
      order,
      counter: new Int32Array(new SharedArrayBuffer(4)),
      cacheBytes,
      engine,
    };
    await runWorkers<WarmWorkerMessage>(
      'warm-worker',
      import.meta.url,
      Math.max(1, Math.min(threads, jobs.length)),
      { workerData },
      (message) => {
        solutions[message.index] = message.solution;
      },
      'warm-start thread',
    );
    return solutions.map((s, i) => {
      if (s === undefined) throw new Error(`warm-start thread returned no solution for problem ${i}`);
      return s;
    });
  };
}
