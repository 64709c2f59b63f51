import { checkConvolution, convolveSums } from './js-conv.js';
import type { ConvShape } from './types.js';
import { align, type KernelExports } from './wasm-memory.js';
import { CONVOLVE_BLOCK } from './wasm/convolve.js';

/**
 * Scratch of the `convolve` export in one engine's memory: room for a layer of the reader's pair network (its
 * larger layer needs about 22 KB). A larger layer is summed by the JavaScript reference, the same bits.
 */
export const CONV_SCRATCH_BYTES = 65_536;

/**
 * ModelEngine.convolve on the kernel module: each output channel is one `convolve` call over the input's own grid
 * (outputs in the kernel's last columns wrap into the next row and are dropped here).
 * @param at the scratch's address (CONV_SCRATCH_BYTES, 16-aligned)
 */
export function createConvRunner(
  kernel: KernelExports,
  memory: WebAssembly.Memory,
  at: number,
): (shape: ConvShape, weights: Float32Array, bias: Float32Array, input: Float32Array, out: Float32Array) => void {
  const i32 = new Int32Array(memory.buffer, at, CONV_SCRATCH_BYTES >> 2);
  const f64 = new Float64Array(memory.buffer, at, CONV_SCRATCH_BYTES >> 3);
  return (shape, weights, bias, input, out) => {
    checkConvolution(shape, weights, bias, input, out);
    const { inChannels, height, width, outChannels, kernel: k } = shape;
    const rows = height - k + 1;
    const columns = width - k + 1;
    const plane = height * width;
    const taps = inChannels * k * k;
    const n = align(rows * width, CONVOLVE_BLOCK);
    const reach = (inChannels - 1) * plane + (k - 1) * width + k - 1;
    // Byte offsets within the scratch: the tap table, one channel's weights, the input (with room for the reads of
    // the last block's dropped outputs), the outputs.
    const weightsAt = align(4 * taps, 16);
    const inputAt = weightsAt + align(8 * taps, 16);
    const inputValues = Math.max(inChannels * plane, n + reach);
    const outAt = inputAt + align(8 * inputValues, 16);
    if (outAt + 8 * n > CONV_SCRATCH_BYTES) {
      convolveSums(shape, weights, bias, input, out);
      return;
    }
    let t = 0;
    for (let c = 0; c < inChannels; c++)
      for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) i32[t++] = 8 * (c * plane + ky * width + kx);
    // Plain loops, not subarray() and set(): a layer is a few hundred rows, and a view per row cost more than its copy.
    const inputBase = inputAt >> 3;
    const inputCount = inChannels * plane;
    for (let i = 0; i < inputCount; i++) f64[inputBase + i] = input[i] as number;
    f64.fill(0, inputBase + inputCount, inputBase + inputValues);
    const weightsBase = weightsAt >> 3;
    const outBase = outAt >> 3;
    for (let o = 0; o < outChannels; o++) {
      for (let i = 0, w = o * taps; i < taps; i++) f64[weightsBase + i] = weights[w + i] as number;
      kernel.convolve(at + inputAt, n, taps, at, at + weightsAt, bias[o] as number, at + outAt);
      for (let y = 0; y < rows; y++) {
        const from = outBase + y * width;
        const to = (o * rows + y) * columns;
        for (let x = 0; x < columns; x++) out[to + x] = f64[from + x] as number;
      }
    }
  };
}
