import { MlError } from '../errors.js';
import { kernelDiagonal, RESTRICTED_BELOW, type KernelData, type KernelRowEngine } from './js-rows.js';
import type { PolyKernel } from './poly.js';
import {
  activePairsFor,
  findActivePairsOfVector,
  paddedCount,
  pairMatrixBytes,
  pairMatrixFromRows,
  restrideActivePairs,
  subsetPairMatrix,
} from './pairs.js';
import { dotScale } from './poly.js';
import type { WasmKernelModules } from './wasm-engine.js';
import {
  align,
  growScratch,
  HEADER_BYTES,
  instantiateKernel,
  MAX_SHARED_PAGES,
  PAGE,
  stageActivePairs,
} from './wasm-memory.js';

/** Training images laid out by {@link placeKernelData}: pairs and diagonal inside one shared WebAssembly memory. */
export type PlacedKernelData = KernelData & {
  readonly placement: { readonly memory: WebAssembly.Memory; readonly pairsOffset: number };
};

/**
 * `prepareKernelData` into a shared WebAssembly memory, so training threads compute rows with the WebAssembly
 * engine on one copy of the images (posted to workers, the memory is shared, not copied).
 * @param images n x dim bytes, row-major (already preprocessed)
 */
export function placeKernelData(images: Uint8Array, n: number, dim: number, kernel: PolyKernel): PlacedKernelData {
  if (images.length !== n * dim) {
    throw new MlError('INVALID_ARGUMENT', `expected ${n} x ${dim} = ${n * dim} bytes of images, got ${images.length}`);
  }
  const pairsOffset = HEADER_BYTES;
  const pairBytes = pairMatrixBytes(n, dim);
  const diagOffset = align(pairsOffset + pairBytes, 16);
  const memory = new WebAssembly.Memory({
    initial: Math.ceil((diagOffset + 8 * n) / PAGE),
    maximum: MAX_SHARED_PAGES,
    shared: true,
  });
  const pairs = pairMatrixFromRows(images, n, dim, new Uint8Array(memory.buffer, pairsOffset, pairBytes));
  const diag = kernelDiagonal(images, n, dim, kernel, new Float64Array(memory.buffer, diagOffset, n));
  return { n, dim, pairs, diag, placement: { memory, pairsOffset } };
}

/**
 * Training kernel rows from the WebAssembly SIMD engine: the `dots` export over the images' pair rows, then
 * `kernelRow` (float32 of the reference's float64 kernel value), bit-identical to `computeKernelRow`. Data from
 * {@link placeKernelData} is used in place (this engine adds about 2 x 4n bytes of scratch to the shared memory);
 * other data is copied into a private memory.
 * @example const rows = createKernelRowCache(data, kernel, budget, createWasmKernelRows(data, kernel, modules));
 */
export function createWasmKernelRows(
  data: KernelData,
  kernel: PolyKernel,
  modules: WasmKernelModules,
): KernelRowEngine {
  const { n, dim, pairs } = data;
  const actBytes = (dim / 2 + 4) * 8;
  // Room for the largest subset rowOn is asked about (the cache restricts rows below RESTRICTED_BELOW of n);
  // pages are only committed once a subset is laid out there.
  const subsetRoom = Math.ceil(n * RESTRICTED_BELOW);
  const subsetBytes = pairMatrixBytes(subsetRoom, dim);
  const scratchBytes = actBytes + pairs.padded * 4 + n * 4 + 16 + subsetBytes;
  const placement = (data as Partial<PlacedKernelData>).placement;
  let memory: WebAssembly.Memory;
  let pairsOffset: number;
  let scratch: number;
  let module: WebAssembly.Module;
  if (placement !== undefined) {
    if (modules.shared === undefined)
      throw new MlError(
        'INVALID_ARGUMENT',
        'kernel data in shared memory needs the shared variant of the kernel module',
      );
    ({ memory, pairsOffset } = placement);
    module = modules.shared;
    scratch = growScratch(memory, scratchBytes);
  } else {
    pairsOffset = HEADER_BYTES;
    scratch = align(pairsOffset + pairs.bytes.length, 64);
    memory = new WebAssembly.Memory({ initial: Math.ceil((scratch + scratchBytes) / PAGE) });
    new Uint8Array(memory.buffer, pairsOffset, pairs.bytes.length).set(pairs.bytes);
    module = modules.plain;
  }
  const exports = instantiateKernel(module, memory);
  const i32 = new Int32Array(memory.buffer);
  const f32 = new Float32Array(memory.buffer);
  const actAt = scratch;
  const accAt = actAt + actBytes;
  const rowAt = accAt + pairs.padded * 4;
  const subsetAt = align(rowAt + n * 4, 16);
  const act = activePairsFor(dim);
  const scale = dotScale(kernel.gamma);
  let built = -1;
  let subsetStride = 0;
  const row = (i: number, out: Float32Array): void => {
    stageActivePairs(i32, actAt, findActivePairsOfVector(pairs, i, act), pairsOffset);
    exports.dots(actAt, act.count, accAt, 0, pairs.padded);
    exports.kernelRow(accAt, n, scale, kernel.coef0, kernel.degree, rowAt);
    out.set(f32.subarray(rowAt >> 2, (rowAt >> 2) + n));
  };
  return {
    backend: 'wasm-simd',
    row,
    rowOn(i, subset, size, version, out) {
      if (size > subsetRoom) {
        row(i, out);
        return;
      }
      if (version !== built) {
        const bytes = new Uint8Array(memory.buffer, subsetAt, subsetBytes);
        subsetStride = subsetPairMatrix(pairs, subset, size, subsetRoom, bytes).stride;
        built = version;
      }
      findActivePairsOfVector(pairs, i, act);
      stageActivePairs(i32, actAt, restrideActivePairs(act, pairs.stride, subsetStride), subsetAt);
      exports.dots(actAt, act.count, accAt, 0, paddedCount(size));
      exports.kernelRow(accAt, size, scale, kernel.coef0, kernel.degree, rowAt);
      const base = rowAt >> 2;
      for (let a = 0; a < size; a++) out[subset[a] as number] = f32[base + a] as number;
    },
  };
}
