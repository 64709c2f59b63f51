import { smoArrayBytes } from '../smo-state.js';
import type { SmoWorkspace } from '../smo-types.js';
import { align, instantiateKernel, PAGE } from './wasm-memory.js';

/**
 * A workspace for the solver's WebAssembly loops (SmoOptions.workspace) in `memory`, the memory that holds the
 * kernel rows the solver will be given: room for the arrays of a solve of `n` variables at byte `from`, the memory
 * grown to hold them if need be. Views of the rows must be taken on the workspace's `buffer`, after this call
 * (a grown memory's buffer is a new object, and the solver runs a step in WebAssembly only when its rows are views
 * on that one).
 * @param module the kernel module (wasm/kernel-module.ts) for this memory's kind (shared or not)
 * @returns undefined when the memory cannot grow that far
 * @example const workspace = createSmoWorkspace(memory, modules.shared, 4 * arenaFloats, n);
 */
export function createSmoWorkspace(
  memory: WebAssembly.Memory,
  module: WebAssembly.Module,
  from: number,
  n: number,
): SmoWorkspace | undefined {
  const at = align(from, 16);
  const bytes = smoArrayBytes(n);
  const missing = at + bytes - memory.buffer.byteLength;
  if (missing > 0) {
    try {
      memory.grow(Math.ceil(missing / PAGE));
    } catch {
      return undefined;
    }
  }
  return { buffer: memory.buffer, at, bytes, loops: instantiateKernel(module, memory) };
}
