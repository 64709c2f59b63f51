import type { SmoLoops } from '../smo-types.js';
import type { ActivePairs } from './pairs.js';

/** The kernel module's exports (see wasm/kernel-module.ts for what each computes). */
export interface KernelExports extends SmoLoops {
  dots(act: number, nAct: number, acc: number, start: number, end: number): void;
  scores(acc: number, count: number, coef: number, scale: number, coef0: number, degree: number, out: number): void;
  kernelRow(acc: number, n: number, scale: number, coef0: number, degree: number, out: number): void;
  stageScores(table: number, acc: number, scale: number, coef0: number, degree: number, out: number): void;
  convolve(input: number, n: number, taps: number, table: number, weights: number, bias: number, out: number): void;
}

/** A WebAssembly page. */
export const PAGE = 65_536;
/** Data starts here, leaving address 0 unused so a stray zero pointer reads no model data. */
export const HEADER_BYTES = 64;

export const align = (n: number, to: number): number => Math.ceil(n / to) * to;

/** Largest shared memory the kernel module accepts: 2 GiB (32,768 pages of 64 KiB). */
export const MAX_SHARED_PAGES = 32_768;

/**
 * A shared WebAssembly memory begun before its model is decoded: `bytes` (at {@link HEADER_BYTES}) is where a model
 * file is read or its support vectors decoded, so that placeModel (wasm-engine.ts) finds them there instead of
 * copying them in. Fresh pages cost a page fault each (~15 us on a 2-core AMD EPYC VM, 2026-12-04: 39 ms for the
 * shipped model's 10.6 MB of support vectors); written once, where they will stay, they are paid once, and by the
 * thread that writes them (a file read fills them on a background thread).
 */
export interface ModelMemory {
  readonly memory: WebAssembly.Memory;
  readonly bytes: Uint8Array;
}

/**
 * Begins a model's shared memory with `byteLength` bytes at {@link HEADER_BYTES} (see {@link ModelMemory}).
 * @example const started = startModelMemory(fileSize);
 */
export function startModelMemory(byteLength: number): ModelMemory {
  const end = HEADER_BYTES + byteLength;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(end / PAGE), maximum: MAX_SHARED_PAGES, shared: true });
  return { memory, bytes: new Uint8Array(memory.buffer, HEADER_BYTES, byteLength) };
}

/** Instantiates the kernel module on `memory` (synchronous: the module is about 3 KB). */
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
