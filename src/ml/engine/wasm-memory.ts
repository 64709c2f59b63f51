import type { ActivePairs } from './pairs.js';

/** The kernel module's exports (see wasm/kernel-module.ts for what each computes). */
export interface KernelExports {
  dots(act: number, nAct: number, acc: number, start: number, end: number): void;
  scores(acc: number, count: number, coef: number, scale: number, coef0: number, degree: number, out: number): void;
  kernelRow(acc: number, n: number, scale: number, coef0: number, degree: number, out: number): void;
  stageScores(table: number, acc: number, scale: number, coef0: number, degree: number, out: number): void;
}

/** A WebAssembly page. */
export const PAGE = 65_536;
/** Data starts here, leaving address 0 unused so a stray zero pointer reads no model data. */
export const HEADER_BYTES = 64;

export const align = (n: number, to: number): number => Math.ceil(n / to) * to;

/** Instantiates the kernel module on `memory` (synchronous: the module is under 1 KB). */
export function instantiateKernel(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
}

/**
 * Reserves `bytes` of scratch for one engine at the end of a shared memory: growing a shared memory never moves
 * it, and each grow returns its own pages, so engines on different threads never overlap.
 * @returns the scratch's address
 */
export function growScratch(memory: WebAssembly.Memory, bytes: number): number {
  return memory.grow(Math.ceil(bytes / PAGE)) * PAGE;
}

/** Writes active pairs as the `dots` export reads them: (row address, lo | hi << 16) at byte address `at`. */
export function stageActivePairs(i32: Int32Array, at: number, found: ActivePairs, pairsOffset: number): void {
  const base = at >> 2;
  for (let t = 0; t < found.count; t++) {
    i32[base + 2 * t] = pairsOffset + (found.rowOffsets[t] as number);
    i32[base + 2 * t + 1] = (found.lo[t] as number) | ((found.hi[t] as number) << 16);
  }
}
