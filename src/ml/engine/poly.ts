/**
 * The polynomial kernel's arithmetic on integer dot products, written once: training rows, prediction sums and the
 * WebAssembly module (wasm/kernel-module.ts, which mirrors it operation for operation) all compute
 * K = (scale * dot + coef0)^degree exactly this way, so every backend gives the same bits.
 */

/**
 * The polynomial kernel K(x, y) = (gamma * x.y + coef0)^degree on pixels scaled to [0, 1].
 * Images are kept as bytes 0..255, so the dot product is an exact integer (at most 784 * 255^2 < 2^31) and
 * `gamma` is applied as gamma / 255^2: rows computed on any thread, in any order, are bit-identical.
 */
export interface PolyKernel {
  readonly type: 'poly';
  readonly degree: number;
  readonly gamma: number;
  readonly coef0: number;
}

/** Pixels are bytes 0..255; the kernel is defined on [0, 1], so gamma is applied as gamma / 255^2. */
export const BYTE_SCALE = 255 * 255;

/** Raises `t` to a small integer power by repeated multiplication (float64 throughout); degree 4 as (t^2)^2. */
export function integerPower(t: number, degree: number): number {
  if (degree === 4) {
    const t2 = t * t;
    return t2 * t2;
  }
  let r = 1;
  for (let k = 0; k < degree; k++) r *= t;
  return r;
}

/** The factor applied to a byte dot product: gamma / 255^2. */
export function dotScale(gamma: number): number {
  return gamma / BYTE_SCALE;
}

/**
 * Kernel value from the integer dot product of two byte images.
 * @param dot sum of products of raw 0..255 pixels
 */
export function kernelFromDot(dot: number, kernel: PolyKernel): number {
  return integerPower(dotScale(kernel.gamma) * dot + kernel.coef0, kernel.degree);
}
