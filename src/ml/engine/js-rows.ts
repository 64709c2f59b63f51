import { MlError } from '../errors.js';
import { dotBytes, pairDots } from './js-dots.js';
import { kernelValues } from './js-sums.js';
import {
  activePairsFor,
  findActivePairsOfVector,
  paddedCount,
  pairMatrixBytes,
  pairMatrixFromRows,
  restrideActivePairs,
  subsetPairMatrix,
  type ActivePairs,
  type PairMatrix,
} from './pairs.js';
import { kernelFromDot, type PolyKernel } from './poly.js';
import type { EngineBackend } from './types.js';

/**
 * Training images laid out for fast kernel rows: the engine's pair layout (engine/pairs.ts; also where each image's
 * non-zero pixels are read from) and the kernel diagonal. Plain typed arrays, so they can live in
 * SharedArrayBuffers.
 */
export interface KernelData {
  readonly n: number;
  readonly dim: number;
  /** The n images as pair rows. */
  readonly pairs: PairMatrix;
  /** K(x_i, x_i). */
  readonly diag: Float64Array;
}

/** Allocates the memory behind a typed array; pass `(n) => new SharedArrayBuffer(n)` to share it between threads. */
export type BufferAllocator = (byteLength: number) => ArrayBufferLike;

const heapAllocator: BufferAllocator = (byteLength) => new ArrayBuffer(byteLength);

/**
 * Lays out `n` images of `dim` bytes for {@link computeKernelRow}.
 * @param images n x dim bytes, row-major (already preprocessed)
 */
export function prepareKernelData(
  images: Uint8Array,
  n: number,
  dim: number,
  kernel: PolyKernel,
  alloc: BufferAllocator = heapAllocator,
): KernelData {
  if (images.length !== n * dim) {
    throw new MlError('INVALID_ARGUMENT', `expected ${n} x ${dim} = ${n * dim} bytes of images, got ${images.length}`);
  }
  const pairs = pairMatrixFromRows(images, n, dim, new Uint8Array(alloc(pairMatrixBytes(n, dim))));
  return { n, dim, pairs, diag: kernelDiagonal(images, n, dim, kernel, new Float64Array(alloc(8 * n))) };
}

/** K(x_i, x_i) of `n` row-major images into `out`. */
export function kernelDiagonal(
  images: Uint8Array,
  n: number,
  dim: number,
  kernel: PolyKernel,
  out: Float64Array,
): Float64Array {
  for (let i = 0; i < n; i++) {
    const x = images.subarray(i * dim, (i + 1) * dim);
    out[i] = kernelFromDot(dotBytes(x, x), kernel);
  }
  return out;
}

/** Scratch for {@link computeKernelRow}: the dot products of one row and the row image's active pairs. */
export interface KernelRowScratch {
  readonly acc: Int32Array;
  readonly act: ActivePairs;
}

/** Scratch sized for `data`. */
export function kernelRowScratch(data: KernelData): KernelRowScratch {
  return { acc: new Int32Array(data.pairs.padded), act: activePairsFor(data.dim) };
}

/**
 * Where training kernel rows come from: the JavaScript reference ({@link createJsKernelRows}) or the WebAssembly
 * engine (engine/wasm-rows.ts). Rows are bit-identical across backends, so the trained model does not depend on
 * which one ran.
 */
export interface KernelRowEngine {
  readonly backend: EngineBackend;
  /** Writes K(x_i, x_j) for every j into `out` (n float32s). */
  row(i: number, out: Float32Array): void;
  /**
   * Writes K(x_i, x_t) for t in `subset[0..size)` into `out[t]`, the same values `row` writes there, and leaves the
   * rest of `out` alone: a row's active part, at about size / n of the work. `version` names the subset (the caller
   * passes a new one whenever the subset changes), so the engine lays the subset's vectors out once per version.
   */
  rowOn?(i: number, subset: Int32Array, size: number, version: number, out: Float32Array): void;
}

/** Restricted rows (KernelRows.restrict) are computed on their variables alone below this share of all of them. */
export const RESTRICTED_BELOW = 0.5;

/** Kernel rows from the JavaScript reference loop. */
export function createJsKernelRows(data: KernelData, kernel: PolyKernel): KernelRowEngine {
  const scratch = kernelRowScratch(data);
  const act = activePairsFor(data.dim);
  const values = new Float32Array(data.n);
  let built = -1;
  let subsetBytes = new Uint8Array(0);
  let subsetMatrix: PairMatrix | undefined;
  return {
    backend: 'js',
    row: (i, out) => computeKernelRow(data, kernel, i, out, scratch),
    rowOn(i, subset, size, version, out) {
      if (version !== built || subsetMatrix === undefined) {
        const capacity = Math.max(size, subsetMatrix?.padded ?? 0);
        if (subsetBytes.length < pairMatrixBytes(capacity, data.dim))
          subsetBytes = new Uint8Array(pairMatrixBytes(capacity, data.dim));
        subsetMatrix = subsetPairMatrix(data.pairs, subset, size, capacity, subsetBytes);
        built = version;
      }
      findActivePairsOfVector(data.pairs, i, act);
      restrideActivePairs(act, data.pairs.stride, subsetMatrix.stride);
      pairDots(subsetMatrix, act, scratch.acc, 0, paddedCount(size));
      kernelValues(scratch.acc, size, kernel, values);
      for (let a = 0; a < size; a++) out[subset[a] as number] = values[a] as number;
    },
  };
}

/**
 * Writes K(x_i, x_j) for every j into `out`, float32 like LIBSVM's cache (the values feed gradients that are
 * accumulated in float64). The dot products come from the kernel engine's loop (engine/js-dots.ts), the one
 * prediction uses.
 */
export function computeKernelRow(
  data: KernelData,
  kernel: PolyKernel,
  i: number,
  out: Float32Array,
  scratch: KernelRowScratch = kernelRowScratch(data),
): void {
  const { acc, act } = scratch;
  findActivePairsOfVector(data.pairs, i, act);
  pairDots(data.pairs, act, acc, 0, data.n);
  kernelValues(acc, data.n, kernel, out);
}
