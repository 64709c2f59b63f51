import { pairDots } from './engine/js-dots.js';
import { kernelValues } from './engine/js-sums.js';
import {
  activePairsFor,
  findActivePairsOfVector,
  pairMatrixBytes,
  pairMatrixFromRows,
  type ActivePairs,
  type PairMatrix,
} from './engine/pairs.js';
import { dotScale, integerPower, type PolyKernel } from './engine/poly.js';
import type { EngineBackend } from './engine/types.js';
import { assertNumberIn, MlError } from './errors.js';

export { integerPower } from './engine/poly.js';
export type { PolyKernel } from './engine/poly.js';

/** Checks a kernel's parameters. @throws MlError `INVALID_ARGUMENT` */
export function assertPolyKernel(kernel: PolyKernel): void {
  assertNumberIn(kernel.degree, 1, 10, 'kernel degree');
  if (!Number.isInteger(kernel.degree))
    throw new MlError('INVALID_ARGUMENT', `kernel degree must be an integer, got ${kernel.degree}`);
  assertNumberIn(kernel.gamma, Number.MIN_VALUE, 1e6, 'kernel gamma');
  assertNumberIn(kernel.coef0, 0, 1e6, 'kernel coef0');
}

/**
 * Kernel value from the integer dot product of two byte images.
 * @param dot sum of products of raw 0..255 pixels
 */
export function kernelFromDot(dot: number, kernel: PolyKernel): number {
  return integerPower(dotScale(kernel.gamma) * dot + kernel.coef0, kernel.degree);
}

/** Integer dot product of two byte vectors of the same length. */
export function dotBytes(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] as number) * (b[k] as number);
  return s;
}

/**
 * sklearn's gamma = "scale" rule, 1 / (dim * variance of all pixels), for pixels scaled to [0, 1].
 * @param images `count` x `dim` bytes
 */
export function scaleGamma(images: Uint8Array, dim: number): number {
  let sum = 0;
  let sumSq = 0;
  for (let k = 0; k < images.length; k++) {
    const v = (images[k] as number) / 255;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / images.length;
  const variance = sumSq / images.length - mean * mean;
  if (!(variance > 0)) throw new MlError('INVALID_ARGUMENT', 'gamma "scale" needs images that are not all one value');
  return 1 / (dim * variance);
}

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
}

/** Kernel rows from the JavaScript reference loop. */
export function createJsKernelRows(data: KernelData, kernel: PolyKernel): KernelRowEngine {
  const scratch = kernelRowScratch(data);
  return { backend: 'js', row: (i, out) => computeKernelRow(data, kernel, i, out, scratch) };
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
