import { describe, expect, it } from 'vitest';
import { deskewAll } from '../../src/ml/deskew.js';
import { compileKernelModules } from '../../src/ml/engine/wasm-engine.js';
import { PAGE } from '../../src/ml/engine/wasm-memory.js';
import { createWasmKernelRows } from '../../src/ml/engine/wasm-rows.js';
import { createSmoWorkspace } from '../../src/ml/engine/wasm-smo.js';
import { prepareKernelData, scaleGamma, type PolyKernel } from '../../src/ml/kernel.js';
import { createKernelRowCache, createUncachedKernelRows } from '../../src/ml/kernel-cache.js';
import { solveBinarySvm, type SmoWorkspace } from '../../src/ml/smo.js';
import { mnistTrain } from '../helpers/mnist-subset.js';

const modules = await compileKernelModules();

/** The workspace with its two loops counted. */
function counted(workspace: SmoWorkspace): SmoWorkspace & { calls: { selectJ: number; updateGradient: number } } {
  const calls = { selectJ: 0, updateGradient: 0 };
  const { loops } = workspace;
  return {
    ...workspace,
    calls,
    loops: {
      selectJ: (...args: Parameters<typeof loops.selectJ>) => {
        calls.selectJ++;
        loops.selectJ(...args);
      },
      updateGradient: (...args: Parameters<typeof loops.updateGradient>) => {
        calls.updateGradient++;
        loops.updateGradient(...args);
      },
    },
  };
}

describe("the solver's loops in WebAssembly", () => {
  // 300 MNIST digits, "0-4 or 5-9" with one label in seven flipped: more iterations than variables, so shrinking,
  // restricted rows and both reconstructions all happen.
  const train = mnistTrain(300);
  const images = deskewAll(train.images, train.count);
  const k: PolyKernel = { type: 'poly', degree: 4, gamma: scaleGamma(images, 784), coef0: 0 };
  const y = Int8Array.from(train.labels, (l, t) => ((t % 7 === 0) !== l < 5 ? 1 : -1));
  const kd = prepareKernelData(images, train.count, 784, k);
  const n = train.count;
  const reference = solveBinarySvm(createUncachedKernelRows(kd, k), y, { C: 1 });

  for (const shared of [false, true]) {
    it(`give the multipliers of the JavaScript loops, bit for bit (${shared ? 'shared' : 'private'} memory)`, () => {
      // A row cache of 40 rows carved from the memory's first bytes, the solver's arrays after it.
      const arenaFloats = 40 * n;
      const memory = shared
        ? new WebAssembly.Memory({ initial: Math.ceil((4 * arenaFloats) / PAGE), maximum: 1024, shared: true })
        : new WebAssembly.Memory({ initial: Math.ceil((4 * arenaFloats) / PAGE) });
      const made = createSmoWorkspace(memory, shared ? modules.shared! : modules.plain, 4 * arenaFloats, n);
      expect(made).toBeDefined();
      const workspace = counted(made as SmoWorkspace);
      const arena = new Float32Array(workspace.buffer, 0, arenaFloats);
      const rows = createKernelRowCache(kd, k, 1e12, createWasmKernelRows(kd, k, modules), arena);
      const solution = solveBinarySvm(rows, y, { C: 1, workspace });
      expect([...solution.alpha]).toEqual([...reference.alpha]);
      expect(solution.bias).toBe(reference.bias);
      expect(solution.iterations).toBe(reference.iterations);
      expect(solution.gap).toBe(reference.gap);
      // Every selection with a candidate and every step ran there.
      expect(workspace.calls.updateGradient).toBe(reference.iterations);
      expect(workspace.calls.selectJ).toBeGreaterThanOrEqual(reference.iterations);
    });
  }

  it('leaves a step whose rows are elsewhere, or a workspace without room, to the JavaScript loops', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const roomy = counted(createSmoWorkspace(memory, modules.plain, 0, n) as SmoWorkspace);
    // Rows from the cache's own blocks, not the workspace's memory.
    const solution = solveBinarySvm(createKernelRowCache(kd, k, 40 * 4 * n), y, { C: 1, workspace: roomy });
    expect([...solution.alpha]).toEqual([...reference.alpha]);
    expect(roomy.calls).toEqual({ selectJ: 0, updateGradient: 0 });
    const cramped = counted({ ...roomy, bytes: 100 });
    const arena = new Float32Array(cramped.buffer, 0, 2 * n);
    const again = solveBinarySvm(createKernelRowCache(kd, k, 1e12, undefined, arena), y, { C: 1, workspace: cramped });
    expect(again.bias).toBe(reference.bias);
    expect(cramped.calls).toEqual({ selectJ: 0, updateGradient: 0 });
  });
});
