/**
 * The small networks the reader's checks use (src/read/digit-or-not.ts, src/read/one-digit.ts): one hidden layer of
 * ReLU units on a piece's deskewed picture, the model's ten first-stage decision values and, for some, a few more
 * inputs; fitted by seeded minibatch SGD in a fixed order, so the same data gives the same weights.
 */
import { deskew } from '../src/ml/deskew.js';
import type { SvmModel } from '../src/ml/model.js';
import { mulberry32, permutation } from '../src/ml/rng.js';
import { createModelEngine } from '../src/node/kernel-wasm.js';

export interface Net {
  readonly dim: number;
  readonly hidden: number;
  readonly w1: Float32Array; // hidden x dim
  readonly b1: Float32Array;
  readonly w2: Float32Array; // hidden
  b2: number;
}

/**
 * Each picture's inputs, `dim` per row: the deskewed pixels in [0, 1], the ten first-stage decision values, then
 * the picture's `extra` values (when given).
 */
export async function netInputs(
  model: SvmModel,
  images: readonly Uint8Array[],
  extra?: readonly Float32Array[],
): Promise<{ x: Float32Array; dim: number }> {
  const engine = await createModelEngine(model);
  const more = extra?.[0]?.length ?? 0;
  const dim = 794 + more;
  const batch = new Uint8Array(images.length * 784);
  images.forEach((image, k) => deskew(image, batch.subarray(k * 784, (k + 1) * 784)));
  const scores = new Float64Array(images.length * 10);
  for (let from = 0; from < images.length; from += 512) {
    const n = Math.min(512, images.length - from);
    engine.decisionValues(batch.subarray(from * 784, (from + n) * 784), n, scores.subarray(from * 10, (from + n) * 10));
  }
  const x = new Float32Array(images.length * dim);
  for (let k = 0; k < images.length; k++) {
    for (let i = 0; i < 784; i++) x[k * dim + i] = (batch[k * 784 + i] as number) / 255;
    for (let c = 0; c < 10; c++) x[k * dim + 784 + c] = scores[k * 10 + c] as number;
    if (extra !== undefined) x.set(extra[k] as Float32Array, k * dim + 794);
  }
  return { x, dim };
}

/** A one-hidden-layer network (ReLU), weighted log-loss, minibatch SGD with momentum, seeded: same data, same net. */
export function fitNet(
  x: Float32Array,
  y: Uint8Array,
  weight: Float32Array,
  shape: { readonly dim: number; readonly hidden: number },
  epochs: number,
  seed: number,
): Net {
  const { dim: DIM, hidden: HIDDEN } = shape;
  const random = mulberry32(seed);
  const n = y.length;
  const net: Net = {
    dim: DIM,
    hidden: HIDDEN,
    w1: Float32Array.from({ length: HIDDEN * DIM }, () => (random() - 0.5) * 2 * Math.sqrt(6 / (DIM + HIDDEN))),
    b1: new Float32Array(HIDDEN),
    w2: Float32Array.from({ length: HIDDEN }, () => (random() - 0.5) * 2 * Math.sqrt(6 / (HIDDEN + 1))),
    b2: 0,
  };
  const v1 = new Float32Array(HIDDEN * DIM);
  const vb1 = new Float32Array(HIDDEN);
  const v2 = new Float32Array(HIDDEN);
  let vb2 = 0;
  const g1 = new Float32Array(HIDDEN * DIM);
  const gb1 = new Float32Array(HIDDEN);
  const g2 = new Float32Array(HIDDEN);
  const h = new Float32Array(HIDDEN);
  const mean = weight.reduce((s, v) => s + v, 0) / n;
  const batch = 64;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const rate = 0.05 * (1 - epoch / epochs) + 0.002;
    const order = permutation(n, random);
    for (let from = 0; from < n; from += batch) {
      g1.fill(0);
      gb1.fill(0);
      g2.fill(0);
      let gb2 = 0;
      const to = Math.min(n, from + batch);
      for (let t = from; t < to; t++) {
        const k = order[t] as number;
        const row = k * DIM;
        let z = net.b2;
        for (let j = 0; j < HIDDEN; j++) {
          let a = net.b1[j] as number;
          const wr = j * DIM;
          for (let i = 0; i < DIM; i++) a += (net.w1[wr + i] as number) * (x[row + i] as number);
          h[j] = a > 0 ? a : 0;
          z += (net.w2[j] as number) * (h[j] as number);
        }
        const p = 1 / (1 + Math.exp(-z));
        const g = ((p - (y[k] as number)) * (weight[k] as number)) / mean / (to - from);
        gb2 += g;
        for (let j = 0; j < HIDDEN; j++) {
          g2[j] = (g2[j] as number) + g * (h[j] as number);
          if ((h[j] as number) <= 0) continue;
          const gh = g * (net.w2[j] as number);
          gb1[j] = (gb1[j] as number) + gh;
          const wr = j * DIM;
          for (let i = 0; i < DIM; i++) g1[wr + i] = (g1[wr + i] as number) + gh * (x[row + i] as number);
        }
      }
      for (let i = 0; i < g1.length; i++) {
        v1[i] = 0.9 * (v1[i] as number) - rate * ((g1[i] as number) + 1e-5 * (net.w1[i] as number));
        net.w1[i] = (net.w1[i] as number) + (v1[i] as number);
      }
      for (let j = 0; j < HIDDEN; j++) {
        vb1[j] = 0.9 * (vb1[j] as number) - rate * (gb1[j] as number);
        net.b1[j] = (net.b1[j] as number) + (vb1[j] as number);
        v2[j] = 0.9 * (v2[j] as number) - rate * (g2[j] as number);
        net.w2[j] = (net.w2[j] as number) + (v2[j] as number);
      }
      vb2 = 0.9 * vb2 - rate * gb2;
      net.b2 += vb2;
    }
  }
  return net;
}

/** The network's log-odds for row `k` of `x`. */
export function netLogit(net: Net, x: Float32Array, k: number): number {
  const { dim, hidden } = net;
  let z = net.b2;
  for (let j = 0; j < hidden; j++) {
    let a = net.b1[j] as number;
    for (let i = 0; i < dim; i++) a += (net.w1[j * dim + i] as number) * (x[k * dim + i] as number);
    if (a > 0) z += (net.w2[j] as number) * a;
  }
  return z;
}

/** Little-endian float32, base64: w1 (hidden x dim, row-major), b1, w2, b2 (what the reader's modules unpack). */
export function packNet(net: Net): string {
  const packed = new Float32Array(net.hidden * net.dim + 2 * net.hidden + 1);
  packed.set(net.w1, 0);
  packed.set(net.b1, net.hidden * net.dim);
  packed.set(net.w2, net.hidden * net.dim + net.hidden);
  packed[packed.length - 1] = net.b2;
  return Buffer.from(packed.buffer).toString('base64');
}
