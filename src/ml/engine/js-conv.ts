import { MlError } from '../errors.js';
import type { ConvShape } from './types.js';

/**
 * A convolution layer's sums, the reference every backend matches bit for bit (ModelEngine.convolve):
 * out[o][y][x] = bias[o] + weights[o][c][ky][kx] * input[c][y + ky][x + kx], the taps added in (c, ky, kx) order
 * and each addition rounded to float32, as a float32 array summed in place would hold it. That rounding is what a
 * network fitted by this code was fitted with, so a reader sees the values it was measured with; and it is cheap to
 * repeat exactly in f64x2 lanes (wasm/convolve.ts), where float32 lanes would round each product too.
 * @param weights outChannels x inChannels x kernel x kernel
 * @param bias outChannels
 * @param input inChannels x height x width
 * @param out outChannels x (height - kernel + 1) x (width - kernel + 1)
 */
export function convolveSums(
  shape: ConvShape,
  weights: Float32Array,
  bias: Float32Array,
  input: Float32Array,
  out: Float32Array,
): void {
  const { inChannels, height, width, outChannels, kernel } = shape;
  const rows = height - kernel + 1;
  const columns = width - kernel + 1;
  const plane = height * width;
  const taps = inChannels * kernel * kernel;
  const fround = Math.fround;
  for (let o = 0; o < outChannels; o++) {
    const b = bias[o] as number;
    for (let y = 0; y < rows; y++) {
      const row = (o * rows + y) * columns;
      let x = 0;
      // Four neighbouring outputs at a time: independent sums keep the core busy while each waits on its rounding.
      for (; x + 4 <= columns; x += 4) {
        let a0 = b;
        let a1 = b;
        let a2 = b;
        let a3 = b;
        let t = o * taps;
        for (let c = 0; c < inChannels; c++)
          for (let ky = 0; ky < kernel; ky++) {
            const i = c * plane + (y + ky) * width + x;
            for (let kx = 0; kx < kernel; kx++) {
              const w = weights[t++] as number;
              a0 = fround(a0 + w * (input[i + kx] as number));
              a1 = fround(a1 + w * (input[i + kx + 1] as number));
              a2 = fround(a2 + w * (input[i + kx + 2] as number));
              a3 = fround(a3 + w * (input[i + kx + 3] as number));
            }
          }
        out[row + x] = a0;
        out[row + x + 1] = a1;
        out[row + x + 2] = a2;
        out[row + x + 3] = a3;
      }
      for (; x < columns; x++) {
        let a = b;
        let t = o * taps;
        for (let c = 0; c < inChannels; c++)
          for (let ky = 0; ky < kernel; ky++) {
            const i = c * plane + (y + ky) * width + x;
            for (let kx = 0; kx < kernel; kx++) a = fround(a + (weights[t++] as number) * (input[i + kx] as number));
          }
        out[row + x] = a;
      }
    }
  }
}

/**
 * Checks a convolution's arrays against its shape, as every backend does before summing.
 * @throws MlError `INVALID_ARGUMENT` for a shape that is not positive integers, a kernel wider than the input, or an
 *   array shorter than the shape needs
 */
export function checkConvolution(
  shape: ConvShape,
  weights: Float32Array,
  bias: Float32Array,
  input: Float32Array,
  out: Float32Array,
): void {
  const { inChannels, height, width, outChannels, kernel } = shape;
  const counts = [inChannels, height, width, outChannels, kernel];
  if (!counts.every((v) => Number.isInteger(v) && v > 0) || kernel > height || kernel > width)
    throw new MlError('INVALID_ARGUMENT', `convolution shape ${JSON.stringify(shape)} is not a valid layer`);
  const need: [string, Float32Array, number][] = [
    ['weights', weights, outChannels * inChannels * kernel * kernel],
    ['bias', bias, outChannels],
    ['input', input, inChannels * height * width],
    ['output', out, outChannels * (height - kernel + 1) * (width - kernel + 1)],
  ];
  for (const [name, array, n] of need)
    if (array.length < n)
      throw new MlError('INVALID_ARGUMENT', `convolution ${name}: ${array.length} values, need ${n}`);
}
