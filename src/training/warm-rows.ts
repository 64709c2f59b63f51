import { wasmSimdAvailable } from '../ml/engine/wasm-engine.js';
import { createWasmKernelRows } from '../ml/engine/wasm-rows.js';
import { createJsKernelRows, prepareKernelData } from '../ml/kernel.js';
import { createKernelRowCache } from '../ml/kernel-cache.js';
import { loadKernelModules, type EngineChoice } from '../node/kernel-wasm.js';
import { PIXELS } from '../shared/mnist.js';
import type { RowSource } from './warm-problem.js';

/**
 * Kernel rows for the warm start's problems: the WebAssembly SIMD engine where it runs (bit-identical rows to the
 * JavaScript one, so the model does not depend on it) behind one least-recently-used cache per problem.
 * @param cacheBytes - Row cache budget of one problem (the problems are solved one after the other).
 */
export async function warmRowSource(cacheBytes: number, engine: EngineChoice = 'auto'): Promise<RowSource> {
  const wasm = engine !== 'js' && wasmSimdAvailable();
  if (engine === 'wasm-simd' && !wasm) throw new Error('WebAssembly SIMD is not available in this runtime');
  const modules = wasm ? await loadKernelModules() : undefined;
  return (images, n, kernel) => {
    const data = prepareKernelData(images, n, PIXELS, kernel);
    const rows = modules ? createWasmKernelRows(data, kernel, modules) : createJsKernelRows(data, kernel);
    return createKernelRowCache(data, kernel, cacheBytes, rows);
  };
}
