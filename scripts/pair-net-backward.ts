/**
 * Fitting the pair network (src/read/pair-net.ts): its starting weights and the gradient of one picture's loss,
 * by hand for its few layers. Float32 storage throughout, in a fixed order: the same pictures in the same order give
 * the same weights byte for byte.
 */
import type { RandomSource } from '../src/ml/rng.js';
import { FRAME_WIDTH } from '../src/read/pair-frame.js';
import {
  CHANNELS_1,
  CHANNELS_2,
  FLAT,
  HIDDEN,
  KERNEL,
  OUTPUTS,
  PAIR_NET_SHAPE,
  type PairNetScratch,
  type PairNetWeights,
} from '../src/read/pair-net.js';

const { H1, W1, P1H, P1W, H2, W2 } = PAIR_NET_SHAPE;
const K2 = KERNEL * KERNEL;

/** The gradients' scratch beside the forward pass's. */
export class PairNetGradScratch {
  readonly soft = new Float32Array(OUTPUTS);
  readonly dOut = new Float32Array(OUTPUTS);
  readonly dHidden = new Float32Array(HIDDEN);
  readonly dPool2 = new Float32Array(FLAT);
  readonly dConv2 = new Float32Array(CHANNELS_2 * H2 * W2);
  readonly dPool1 = new Float32Array(CHANNELS_1 * P1H * P1W);
  readonly dConv1 = new Float32Array(CHANNELS_1 * H1 * W1);
}

/** Softmax of `n` logits from `from` into `out`; returns log of the sum of exponentials. */
function softmaxInto(o: Float32Array, from: number, n: number, out: Float32Array): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) m = Math.max(m, o[from + i] as number);
  let z = 0;
  for (let i = 0; i < n; i++) {
    out[from + i] = Math.exp((o[from + i] as number) - m);
    z += out[from + i] as number;
  }
  for (let i = 0; i < n; i++) out[from + i] = (out[from + i] as number) / z;
  return Math.log(z) + m;
}

/**
 * Adds one picture's gradient to `grad` after pairNetForward ran on it in `s`: cross-entropy of the left digit, of
 * the right digit (pairs only) and, weighted by `twoWeight`, of "two or one".
 * @returns the picture's loss
 */
export function pairNetBackward(
  net: PairNetWeights,
  grad: PairNetWeights,
  s: PairNetScratch,
  g: PairNetGradScratch,
  label: { readonly left: number; readonly right: number; readonly two: number },
  twoWeight: number,
): number {
  const o = s.output;
  const { dOut, soft } = g;
  dOut.fill(0);
  let loss = softmaxInto(o, 0, 10, soft) - (o[label.left] as number);
  for (let i = 0; i < 10; i++) dOut[i] = (soft[i] as number) - (i === label.left ? 1 : 0);
  if (label.right >= 0) {
    loss += softmaxInto(o, 10, 10, soft) - (o[10 + label.right] as number);
    for (let i = 0; i < 10; i++) dOut[10 + i] = (soft[10 + i] as number) - (i === label.right ? 1 : 0);
  }
  loss += twoWeight * (softmaxInto(o, 20, 2, soft) - (o[20 + label.two] as number));
  for (let i = 0; i < 2; i++) dOut[20 + i] = twoWeight * ((soft[20 + i] as number) - (i === label.two ? 1 : 0));

  const { hidden, pool2, pool1, input } = s;
  const { dHidden, dPool2, dConv2, dPool1, dConv1 } = g;
  dHidden.fill(0);
  for (let k = 0; k < OUTPUTS; k++) {
    const d = dOut[k] as number;
    if (d === 0) continue;
    grad.b4[k] = (grad.b4[k] as number) + d;
    const row = k * HIDDEN;
    for (let j = 0; j < HIDDEN; j++) {
      grad.w4[row + j] = (grad.w4[row + j] as number) + d * (hidden[j] as number);
      dHidden[j] = (dHidden[j] as number) + d * (net.w4[row + j] as number);
    }
  }
  dPool2.fill(0);
  for (let j = 0; j < HIDDEN; j++) {
    if ((hidden[j] as number) <= 0) continue;
    const d = dHidden[j] as number;
    grad.b3[j] = (grad.b3[j] as number) + d;
    const row = j * FLAT;
    for (let i = 0; i < FLAT; i++) {
      grad.w3[row + i] = (grad.w3[row + i] as number) + d * (pool2[i] as number);
      dPool2[i] = (dPool2[i] as number) + d * (net.w3[row + i] as number);
    }
  }
  dConv2.fill(0);
  for (let i = 0; i < FLAT; i++) {
    const at = s.from2[i] as number;
    if ((s.conv2[at] as number) > 0) dConv2[at] = dPool2[i] as number;
  }
  dPool1.fill(0);
  for (let c = 0; c < CHANNELS_2; c++) {
    const ob = c * H2 * W2;
    let bias = 0;
    for (let i = ob; i < ob + H2 * W2; i++) bias += dConv2[i] as number;
    grad.b2[c] = (grad.b2[c] as number) + bias;
    for (let ci = 0; ci < CHANNELS_1; ci++)
      for (let ky = 0; ky < KERNEL; ky++)
        for (let kx = 0; kx < KERNEL; kx++) {
          const wi = ((c * CHANNELS_1 + ci) * KERNEL + ky) * KERNEL + kx;
          const w = net.w2[wi] as number;
          let sum = 0;
          for (let y = 0; y < H2; y++) {
            const ir = ci * P1H * P1W + (y + ky) * P1W + kx;
            const or = ob + y * W2;
            for (let x = 0; x < W2; x++) {
              const d = dConv2[or + x] as number;
              sum += d * (pool1[ir + x] as number);
              dPool1[ir + x] = (dPool1[ir + x] as number) + w * d;
            }
          }
          grad.w2[wi] = (grad.w2[wi] as number) + sum;
        }
  }
  dConv1.fill(0);
  for (let i = 0; i < dPool1.length; i++) {
    const at = s.from1[i] as number;
    if ((s.conv1[at] as number) > 0) dConv1[at] = dPool1[i] as number;
  }
  for (let c = 0; c < CHANNELS_1; c++) {
    const ob = c * H1 * W1;
    let bias = 0;
    for (let i = ob; i < ob + H1 * W1; i++) bias += dConv1[i] as number;
    grad.b1[c] = (grad.b1[c] as number) + bias;
    for (let ky = 0; ky < KERNEL; ky++)
      for (let kx = 0; kx < KERNEL; kx++) {
        let sum = 0;
        for (let y = 0; y < H1; y++) {
          const ir = (y + ky) * FRAME_WIDTH + kx;
          const or = ob + y * W1;
          for (let x = 0; x < W1; x++) sum += (dConv1[or + x] as number) * (input[ir + x] as number);
        }
        grad.w1[c * K2 + ky * KERNEL + kx] = (grad.w1[c * K2 + ky * KERNEL + kx] as number) + sum;
      }
  }
  return loss;
}

/**
 * Starting weights: He-scaled normal draws (Box-Muller on `random`) for each layer's weights, 0.01 for the hidden
 * layers' biases, 0 for the outputs'.
 */
export function initPairNet(net: PairNetWeights, random: RandomSource): void {
  const gauss = () => {
    const u = Math.max(1e-12, random());
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const fill = (a: Float32Array, fanIn: number) => {
    const sd = Math.sqrt(2 / fanIn);
    for (let i = 0; i < a.length; i++) a[i] = gauss() * sd;
  };
  fill(net.w1, K2);
  fill(net.w2, CHANNELS_1 * K2);
  fill(net.w3, FLAT);
  fill(net.w4, HIDDEN);
  net.b1.fill(0.01);
  net.b2.fill(0.01);
  net.b3.fill(0.01);
}
