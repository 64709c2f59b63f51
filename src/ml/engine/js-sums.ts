import type { PolyKernel } from './poly.js';
import { dotScale, integerPower } from './poly.js';

/**
 * The ten one-vs-rest sums of one image, reference version: out[outAt + c] = sum_i coef[i * 10 + c] * K_i with
 * K_i = kernel(dots[i]), i ascending, float64. The WebAssembly `scores` export does the same operations in the
 * same order (two classes per f64x2), so both give the same bits; biases are added by {@link addBiases}.
 * @param coef count x 10, sv-major
 */
export function classSums(
  dots: Int32Array,
  count: number,
  coef: Float64Array,
  kernel: PolyKernel,
  out: Float64Array,
  outAt: number,
): void {
  const scale = dotScale(kernel.gamma);
  const { coef0, degree } = kernel;
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    s4 = 0,
    s5 = 0,
    s6 = 0,
    s7 = 0,
    s8 = 0,
    s9 = 0;
  for (let i = 0; i < count; i++) {
    const k = integerPower(scale * (dots[i] as number) + coef0, degree);
    const b = i * 10;
    s0 += (coef[b] as number) * k;
    s1 += (coef[b + 1] as number) * k;
    s2 += (coef[b + 2] as number) * k;
    s3 += (coef[b + 3] as number) * k;
    s4 += (coef[b + 4] as number) * k;
    s5 += (coef[b + 5] as number) * k;
    s6 += (coef[b + 6] as number) * k;
    s7 += (coef[b + 7] as number) * k;
    s8 += (coef[b + 8] as number) * k;
    s9 += (coef[b + 9] as number) * k;
  }
  out[outAt] = s0;
  out[outAt + 1] = s1;
  out[outAt + 2] = s2;
  out[outAt + 3] = s3;
  out[outAt + 4] = s4;
  out[outAt + 5] = s5;
  out[outAt + 6] = s6;
  out[outAt + 7] = s7;
  out[outAt + 8] = s8;
  out[outAt + 9] = s9;
}

/** out[outAt + c] += biases[c]: the last step of a decision value, shared by every backend. */
export function addBiases(biases: readonly number[], out: Float64Array, outAt: number): void {
  for (let c = 0; c < biases.length; c++) out[outAt + c] = (out[outAt + c] as number) + (biases[c] as number);
}

/**
 * A training kernel row from its dot products: out[j] = float32(kernel(dots[j])) (float32 like LIBSVM's cache; the
 * values feed gradients accumulated in float64). The WebAssembly `kernelRow` export mirrors it.
 */
export function kernelValues(dots: Int32Array, n: number, kernel: PolyKernel, out: Float32Array): void {
  const scale = dotScale(kernel.gamma);
  const { coef0, degree } = kernel;
  for (let j = 0; j < n; j++) out[j] = integerPower(scale * (dots[j] as number) + coef0, degree);
}
