import type { PolyKernel } from './engine/poly.js';
import { assertNumberIn, MlError } from './errors.js';

// The kernel's arithmetic lives in engine/poly.ts and the row engines in engine/js-rows.ts and engine/wasm-rows.ts;
// they are handed on here, where training and the public index have always imported them.
export { dotBytes } from './engine/js-dots.js';
export {
  computeKernelRow,
  createJsKernelRows,
  kernelDiagonal,
  kernelRowScratch,
  prepareKernelData,
  type BufferAllocator,
  type KernelData,
  type KernelRowEngine,
  type KernelRowScratch,
} from './engine/js-rows.js';
export { integerPower, kernelFromDot } from './engine/poly.js';
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
